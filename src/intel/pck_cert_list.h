// The body of Intel PCS `pckcerts` / `pckcerts/config`: one entry per TCB
// level of the platform's FMSPC, each with the level's TCB (flat
// sgxtcbcompNNsvn + pcesvn), its TCBm and the URL-encoded PEM certificate or
// the literal "Not available" (PCS cannot issue that level yet: the platform
// must be re-registered). Reference intel-pcs-pccs.md §1.4 P3–P6.
// The body is untrusted: every field is checked, and nothing here verifies a
// signature (the caller validates each certificate's chain).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "intel/pck_certificate.h"
#include "intel/tcb.h"

namespace thim::intel {

inline constexpr std::string_view kNotAvailable = "Not available";

struct PckCertListEntry {
  SgxTcb tcb;                     // as the entry's "tcb" object states it
  std::string tcbm;               // 36 upper-case hex characters
  std::optional<PckCertificate> cert;  // nullopt: "Not available" (or not parsed, see below)
  std::string cert_pem;           // the certificate's PEM as delivered (URL-decoded); empty: "Not available"
};

// Parses the JSON array. InvalidArgument naming the entry and field for
// anything malformed: not an array, missing/extra keys, SVNs out of range,
// bad TCBm, undecodable PEM, a certificate without a valid SGX extension, or
// an entry whose certificate's TCB/TCBm differs from what the entry states.
// Without `parse_certificates` the certificates are only URL-decoded into
// cert_pem, not parsed (`cert` stays empty, and the TCB/TCBm checks against
// them are skipped): for lists validated on ingest and read back from the
// store, where X.509 parsing would be most of the cost of a lookup.
StatusOr<std::vector<PckCertListEntry>> ParsePckCertList(std::string_view body, bool parse_certificates = true);

// Serialises entries as PCS does (compact, Intel's key order, certificates
// URL-encoded PEM). Used for bodies rebuilt from an offline import.
std::string WritePckCertList(const std::vector<PckCertListEntry>& entries);

}  // namespace thim::intel
