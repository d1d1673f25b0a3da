// JSON descriptions of certificates and CRLs, shared by `thim inspect` and
// the verify commands' --json output. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "crypto/certificate.h"
#include "crypto/crl.h"

namespace thim::cli {

// Subject, issuer, serial, validity, key; plus the SGX fields for PCK certs.
nlohmann::ordered_json DescribeCertificate(const crypto::Certificate& cert);
nlohmann::ordered_json DescribeCrl(const crypto::Crl& crl);

}  // namespace thim::cli
