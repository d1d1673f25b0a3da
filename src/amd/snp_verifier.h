// SEV-SNP report verification (reference §4.4, §4.7): the endorsement key
// (VCEK or VLEK) chains to the pinned ARK of the product, its extensions match
// the report, and the report's ECDSA P-384 signature verifies. Then a policy.
// Thread-safety: pure functions; reentrant.
//
// Error contract (same codes as crypto::VerifyChain, so callers map them alike):
//   InvalidArgument   the pieces do not fit: product mismatch, hwID ≠ CHIP_ID,
//                     REPORTED_TCB ≠ the key's TCB, VLEK for a VCEK-signed
//                     report, an unsigned report, a non-AMD PSS profile.
//   PermissionDenied  untrusted root (wrong product's chain) or revoked ASK.
//   DataLoss          bad signature (report, certificate or CRL).
//   OutOfRange        a certificate or CRL outside its validity window.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "amd/endorsement_cert.h"
#include "amd/snp_report.h"
#include "core/time.h"
#include "crypto/crl.h"

namespace thim::amd {

struct SnpVerifyOptions {
  TimePoint at;
  // CRLs from KDS (/vcek/v1/{product}/crl): the ASK/ASVK is checked against them.
  std::vector<crypto::Crl> crls;
  // Another root than the pinned one (the simulator's ARK); nullptr = pinned.
  const crypto::Certificate* ark = nullptr;
};

struct SnpVerification {
  SnpReport report;
  EndorsementCert key;
  Product product = Product::kMilan;
  std::vector<crypto::Certificate> path;  // VCEK/VLEK, ASK/ASVK, ARK
};

// `chain` is the KDS cert_chain: ASK (or ASVK) then optionally the ARK.
StatusOr<SnpVerification> VerifySnpReport(const SnpReport& report, const EndorsementCert& key,
                                          const std::vector<crypto::Certificate>& chain,
                                          const SnpVerifyOptions& options);

// What a relying party requires of a verified report. Unset = not checked.
struct SnpPolicy {
  std::optional<TcbParts> min_tcb;  // compared with REPORTED_TCB, component by component
  bool allow_debug = false;
  bool allow_smt = true;
  bool allow_migration_agent = false;
  std::optional<uint32_t> vmpl;  // required VMPL
  std::optional<uint32_t> min_guest_svn;
  std::optional<Bytes> measurement, host_data, id_key_digest, author_key_digest;
  std::optional<Bytes> report_data;  // a prefix of REPORT_DATA (64 bytes max)
};

// The policy's objections, one line each; empty = accepted.
std::vector<std::string> CheckSnpPolicy(const SnpVerification& v, const SnpPolicy& policy);

}  // namespace thim::amd
