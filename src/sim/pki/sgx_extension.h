// DER encoding of the SGX PCK certificate extension (OID 1.2.840.113741.1.13.1)
// for simulated PCK certificates, shaped exactly like Intel's: a SEQUENCE of
// (OID, value) pairs, the TCB and Configuration entries nested the same way,
// the SVNs as INTEGER, the SGX Type as ENUMERATED.
//
// The DER building blocks are public so tests can assemble malformed
// extensions (wrong counts, types, OIDs) from the same pieces. All encoding
// goes through OpenSSL's ASN.1 encoders; nothing here writes DER by hand.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "intel/pck_certificate.h"

namespace thim::sim {

struct SgxExtensionSpec {
  Bytes ppid = Bytes(16, 0x11);
  intel::SgxTcb tcb;
  Bytes cpusvn;  // 16 bytes; empty = the 16 components (tcbType 0)
  Bytes pce_id = Bytes(2, 0);
  Bytes fmspc = Bytes(6, 0);
  int sgx_type = 0;  // 0 Standard, 1 Scalable, 2 ScalableWithIntegrity (not range-checked: tests write bad ones)
  // Platform CA certificates carry these two (7 entries instead of 5).
  std::optional<Bytes> platform_instance_id;
  std::optional<intel::PlatformConfiguration> configuration;
};

// InvalidArgument when PPID, PCE-ID, FMSPC or PlatformInstanceID have the
// wrong size (CPUSVN is not checked, so tests can write a bad one).
StatusOr<Bytes> EncodeSgxExtension(const SgxExtensionSpec& spec);

// DER building blocks; each returns one complete DER element. Test tooling:
// an OID that does not parse or an element that is not DER is a bug in the
// caller and aborts.
namespace der {
Bytes Integer(int64_t value);
Bytes Enumerated(int64_t value);
Bytes OctetString(ByteSpan bytes);
Bytes Boolean(bool value);
Bytes Oid(std::string_view dotted);
// SEQUENCE of the given complete DER elements, in order.
Bytes Sequence(const std::vector<Bytes>& elements);
// SEQUENCE { OID 1.2.840.113741.1.13.1.<arc>, value } — one SGX extension entry.
Bytes SgxEntry(std::string_view arc, const Bytes& value);
}  // namespace der

}  // namespace thim::sim
