// Where the Root CA CRL comes from: the CRL distribution point of the root
// (second) certificate of an issuer chain, as Intel's QPL finds it.
#pragma once

#include <string>

namespace thim::qpl {

// The first URI of the CDP of the chain's second certificate; "" when the
// chain has no second certificate or it has no CDP.
std::string RootCrlDistributionPoint(const std::string& chain_pem);

}  // namespace thim::qpl
