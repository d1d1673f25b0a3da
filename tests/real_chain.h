// A certificate chain (PEM list) from the real test vectors.
#pragma once
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "testdata.h"

namespace thim::testing {

inline std::vector<crypto::Certificate> RealChain(const std::string& relative) {
  return *crypto::ParseCertificateList(ReadRealString(relative));
}

}  // namespace thim::testing
