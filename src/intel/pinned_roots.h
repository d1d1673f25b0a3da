// The Intel SGX Root CA every Intel signature must chain to, pinned in the
// binary (operators can pin another root through configuration, e.g. the
// simulator's). Thread-safety: the returned certificate is immutable.
#pragma once

#include <string_view>

#include "crypto/certificate.h"

namespace thim::intel {

// PEM of "CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, ST=CA, C=US"
// (SHA-256 fingerprint 44:A0:19:6B:…:74:D3), valid to 2049-12-31.
extern const std::string_view kIntelSgxRootCaPem;

const crypto::Certificate& IntelSgxRootCa();

}  // namespace thim::intel
