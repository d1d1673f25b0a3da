// AMD signs every certificate (ARK, ASK, ASVK, VCEK, VLEK) and CRL with
// RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48. OpenSSL's X509_verify accepts
// any PSS parameters, so the exact ones are checked here. Pure; thread-safe.
#pragma once

#include "core/status.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace thim::amd {

// InvalidArgument naming the difference when the certificate's signature
// algorithm is not exactly AMD's PSS profile.
Status CheckAmdPssProfile(const crypto::Certificate& cert);
Status CheckAmdPssProfile(const crypto::Crl& crl);

}  // namespace thim::amd
