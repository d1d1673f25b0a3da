// PCK certificates and their SGX extension (OID 1.2.840.113741.1.13.1):
// PPID, TCB (16 component SVNs, PCESVN, CPUSVN), PCE-ID, FMSPC, SGX type and,
// for Platform-CA certificates, PlatformInstanceID and Configuration.
// Decoded with OpenSSL's ASN.1 decoders, validated as QVL does (exactly 5 or 7
// entries, TCB with exactly 18). Thread-safety: immutable value.
#pragma once

#include <optional>
#include <string>

#include "crypto/certificate.h"
#include "intel/tcb.h"

namespace thim::intel {

inline constexpr std::string_view kSgxExtensionOid = "1.2.840.113741.1.13.1";

enum class PckCaType { kProcessor, kPlatform };
std::string_view PckCaTypeName(PckCaType t);  // "processor" / "platform" (lower case, as Intel PCS)

enum class SgxType { kStandard = 0, kScalable = 1, kScalableWithIntegrity = 2 };
std::string_view SgxTypeName(SgxType t);

struct PlatformConfiguration {
  bool dynamic_platform = false;
  bool cached_keys = false;
  bool smt_enabled = false;
};

struct PckCertificate {
  crypto::Certificate cert;
  Bytes ppid;     // 16 bytes
  SgxTcb tcb;     // the 16 component SVNs and PCESVN
  Bytes cpusvn;   // 16 bytes, raw CPUSVN
  Bytes pce_id;   // 2 bytes
  Bytes fmspc;    // 6 bytes
  SgxType sgx_type = SgxType::kStandard;
  PckCaType ca_type = PckCaType::kProcessor;
  std::optional<Bytes> platform_instance_id;               // Platform CA only
  std::optional<PlatformConfiguration> configuration;      // Platform CA only

  std::string FmspcHex() const { return HexEncode(fmspc, true); }
  std::string PceIdHex() const { return HexEncode(pce_id, true); }
  // TCBm as in SGX-TCBm: CPUSVN ‖ PCESVN (little endian), upper-case hex.
  std::string Tcbm() const { return FormatTcbm(cpusvn, tcb.pcesvn); }
};

// Decodes the SGX extension of `cert` (which is kept in the result).
// Errors:
//   NotFound        – the certificate has no SGX extension (not a PCK certificate);
//   InvalidArgument – "PCK certificate issuer … is neither a Processor nor a
//                     Platform CA", or "PCK extension: …" naming the offending
//                     field (entry counts, OIDs, ASN.1 types, sizes, ranges,
//                     duplicates, missing entries).
// The CA type comes from the issuer CN (as PCCS does) and decides whether 5
// or 7 entries are required. The signature is not checked here: chain
// validation is the caller's job (crypto::VerifyChain).
StatusOr<PckCertificate> ParsePckCertificate(const crypto::Certificate& cert);

}  // namespace thim::intel
