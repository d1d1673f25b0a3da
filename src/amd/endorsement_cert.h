// VCEK / VLEK certificates: the AMD extensions (OIDs 1.3.6.1.4.1.3704.1.*,
// reference §3.3) parsed as DER, never by fixed offsets (a ucodeSPL ≥ 0x80
// is encoded on two bytes). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "amd/product.h"
#include "crypto/certificate.h"

namespace thim::amd {

enum class EndorsementKind { kVcek, kVlek };

struct EndorsementCert {
  crypto::Certificate cert;
  EndorsementKind kind = EndorsementKind::kVcek;
  int struct_version = 0;
  std::string product_name;  // as in the certificate, e.g. "Milan-B0", "Turin"
  Product product = Product::kMilan;
  TcbParts tcb;              // bl, tee, snp, ucode (+ fmc on Turin)
  uint8_t spl4 = 0, spl5 = 0, spl6 = 0, spl7 = 0;  // reserved SPLs (spl4 absent on Turin)
  Bytes hw_id;               // VCEK: 64 bytes, Turin 8; VLEK: empty
  std::string csp_id;        // VLEK only

  // The TCB_VERSION these SPLs encode for the certificate's product.
  uint64_t TcbRaw() const;
};

// Checks the shape go-sev-guest and AMD document: X.509 v3, subject CN
// SEV-VCEK or SEV-VLEK, EC P-384 key, RSASSA-PSS signature; every SPL is a
// DER INTEGER 0..255; hwID present on a VCEK (64 or 8 raw bytes, or a DER
// OCTET STRING of that), cspId on a VLEK. InvalidArgument with the cause.
StatusOr<EndorsementCert> ParseEndorsementCert(const crypto::Certificate& cert);
// DER or PEM (the first certificate of a PEM bundle, e.g. THIM's vcek.pem).
StatusOr<EndorsementCert> ParseEndorsementCertBytes(ByteSpan data);

}  // namespace thim::amd
