// A whole platform in the QPL's cache, for `local_cache_only` on pre-seeded,
// air-gapped machines: every PCK certificate of the platform (one per TCB
// level, with its TCBm), the issuer chain and the TCB levels of its FMSPC, so
// the library can pick the certificate for whatever raw TCB it is asked for
// with Intel's selection — the role the PCCS admin tool's cache files play
// for Intel's QCNL. Written by `thim qpl seed` from a thim bundle.
// Cache key "pckcerts/<QEID>/<PCEID>" (upper-case hex, PCE-ID as on the wire).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "qpl/cache.h"
#include "qpl/provider.h"

namespace thim::qpl {

struct SeededPlatform {
  std::string qeid;   // 32 hex
  std::string pceid;  // 4 hex, as in pckcert requests
  struct Cert {
    std::string tcbm;  // 36 hex: CPUSVN ‖ PCESVN (little endian)
    std::string pem;
  };
  std::vector<Cert> certs;          // as upstream listed them
  std::string chain;                // PCK CA ‖ root, PEM (percent-decoded)
  std::vector<std::string> levels;  // the FMSPC's TCB levels as TCBm texts, in TCB-info order
};

std::string PlatformEntryKey(const std::string& qeid, const std::string& pceid);
CachedItem MakePlatformEntry(const SeededPlatform& platform, int64_t expires);

// The certificate Intel's selection picks for the raw TCB (cpusvn: 32 hex,
// pcesvn: 4 hex little endian, as in requests); nullopt with `why` when the
// entry is malformed or every certificate is above the raw TCB.
std::optional<PckCertData> SelectFromPlatformEntry(const CachedItem& entry, const std::string& cpusvn,
                                                   const std::string& pcesvn, std::string* why);

}  // namespace thim::qpl
