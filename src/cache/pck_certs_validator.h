// Validation of a platform's PCK certificates (an upstream `pckcerts` answer
// or an imported one) before anything is stored or served: every certificate
// chains to the pinned Intel root through the delivered issuer chain and is
// not revoked (PCK CRL of its CA, root CA CRL); all certificates belong to one
// platform (same PPID, FMSPC, CA type) with the PCE-ID asked for; each entry's
// TCB/TCBm are its certificate's; the FMSPC / CA-type headers, when given,
// agree. Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "cache/pck_source.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "intel/pck_cert_list.h"

namespace thim::cache {

struct ValidatedPckCerts {
  std::vector<intel::PckCertListEntry> entries;  // in the body's order
  std::string fmspc;    // 12 upper-case hex
  std::string ca_type;  // "processor" | "platform"
  std::string ppid;     // 32 upper-case hex
};

// Which CRLs to check against: the PCK CRL of the certificates' CA (found by
// issuer in `crls`) is required; the root CA CRL is used when present.
struct PckCertsCheck {
  std::string pce_id;  // 4 hex, expected in every certificate
  TimePoint at;
  std::vector<crypto::Crl> crls;
};

// DataLoss for a malformed answer or inconsistent certificates (naming what),
// PermissionDenied (untrusted root, revoked), OutOfRange (expired / not yet
// valid), FailedPrecondition (no CRL for the certificates' CA: revocation
// cannot be checked), InvalidArgument (every entry "Not available").
StatusOr<ValidatedPckCerts> ValidatePckCerts(const FetchedPckCerts& fetched, const crypto::Certificate& pinned_root,
                                             const PckCertsCheck& check);

}  // namespace thim::cache
