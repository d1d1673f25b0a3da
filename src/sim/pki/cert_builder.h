// Issues X.509 certificates and CRLs for the simulator's PKIs (Intel-like and,
// later, AMD-like). Test tooling: nothing in the product links it.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/private_key.h"

namespace thim::sim {

struct Name {
  std::string cn;
  std::string o = "Intel Corporation";
  std::string l = "Santa Clara";
  std::string st = "CA";
  std::string c = "US";
};

struct CustomExtension {
  std::string oid;  // dotted
  Bytes der;        // the extnValue contents
  bool critical = false;
};

struct CertSpec {
  Name subject;
  Bytes serial;  // big-endian magnitude; empty = random 20 bytes
  TimePoint not_before;
  TimePoint not_after;
  bool ca = false;
  int path_length = -1;  // CA only; -1 = unlimited
  std::string crl_distribution_point;  // URI, optional
  std::vector<CustomExtension> extensions;
};

struct IssuedCert {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

// Issues `spec` for `subject_key`, signed by `issuer` (self-signed when null).
// ECDSA keys sign with SHA-256 (P-256) / SHA-384 (P-384); RSA keys with
// RSASSA-PSS SHA-384 (AMD's scheme).
StatusOr<crypto::Certificate> IssueCertificate(const CertSpec& spec, const crypto::PrivateKey& subject_key,
                                               const IssuedCert* issuer);

struct CrlSpec {
  TimePoint this_update;
  TimePoint next_update;
  std::vector<Bytes> revoked_serials;
  uint64_t crl_number = 1;
};
StatusOr<crypto::Crl> IssueCrl(const CrlSpec& spec, const IssuedCert& issuer);

}  // namespace thim::sim
