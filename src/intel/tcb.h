// The SGX platform TCB (16 component SVNs + PCESVN), its partial order, TCB
// status names and the TCBm text form. Pure value types; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"

namespace thim::intel {

struct SgxTcb {
  std::array<uint8_t, 16> components{};  // SGX TCB COMP01..16 SVNs
  uint16_t pcesvn = 0;
  friend bool operator==(const SgxTcb&, const SgxTcb&) = default;
};

// Component-wise comparison over the 17 values (Intel's partial order):
// kEqual, kLess (some lower, none higher), kGreater (some higher, none lower),
// or kIncomparable (some higher and some lower).
enum class TcbOrder { kLess, kEqual, kGreater, kIncomparable };
TcbOrder CompareTcb(const SgxTcb& a, const SgxTcb& b);

// True when no value of `a` exceeds the matching value of `b` (a ≤ b).
bool TcbNotAbove(const SgxTcb& a, const SgxTcb& b);

// Intel's PCK selection ordering step alone, for certificates already
// validated (checked on ingest and read back from a trusted store, or seeded
// into the QPL's cache): the index into `cert_tcbs` of the chosen TCB, or
// nullopt when every one is above `raw`. `levels` in TCB-info order. (The
// whole selection with its input checks: intel/pck_cert_selector.h.)
std::optional<size_t> SelectByTcb(const std::vector<SgxTcb>& levels, const std::vector<SgxTcb>& cert_tcbs, const SgxTcb& raw);

// tcbStatus values of TCB levels (and, for the first, fifth and last, of
// enclave identity and TDX module levels).
enum class TcbStatus {
  kUpToDate,
  kSWHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSWHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
};
std::string_view TcbStatusName(TcbStatus status);
// Exact, case-sensitive names as Intel serves them; InvalidArgument otherwise.
StatusOr<TcbStatus> ParseTcbStatus(std::string_view name);

// TCBm: CPUSVN (16 bytes) ‖ PCESVN (2 bytes little endian), 36 upper-case hex
// characters, as in the SGX-TCBm header.
std::string FormatTcbm(ByteSpan cpusvn16, uint16_t pcesvn);
struct Tcbm {
  Bytes cpusvn;  // 16 bytes
  uint16_t pcesvn = 0;
};
StatusOr<Tcbm> ParseTcbm(std::string_view hex36);

}  // namespace thim::intel
