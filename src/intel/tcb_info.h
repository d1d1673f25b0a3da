// Intel TCB info: SGX format version 2 (PCS API v3), SGX and TDX format
// version 3 (PCS API v4). Parsed per QVL's rules (reference intel-qpl-qvl.md
// §4.4); the served bytes and signed span are kept in `document`.
// Thread-safety: immutable value.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "intel/isv_svn_level.h"
#include "intel/signed_document.h"
#include "intel/tcb.h"

namespace thim::intel {

enum class TeeType { kSgx, kTdx };
std::string_view TeeTypeName(TeeType t);  // "SGX" / "TDX"

struct TcbLevel {
  SgxTcb sgx;
  std::optional<std::array<uint8_t, 16>> tdx;  // tdxtcbcomponents (TDX only)
  TimePoint tcb_date{};
  TcbStatus status = TcbStatus::kUpToDate;
  std::vector<std::string> advisory_ids;
};

struct TdxModule {
  Bytes mrsigner;         // 48 bytes
  Bytes attributes;       // 8 bytes
  Bytes attributes_mask;  // 8 bytes
};

// Statuses: UpToDate, OutOfDate or Revoked.
using TdxModuleIdentityLevel = IsvSvnLevel;

struct TdxModuleIdentity {
  std::string id;  // "TDX_01", "TDX_03", …
  Bytes mrsigner;
  Bytes attributes;
  Bytes attributes_mask;
  std::vector<TdxModuleIdentityLevel> levels;  // JSON order
};

struct TcbInfo {
  SignedDocument document;
  TeeType id = TeeType::kSgx;
  int version = 3;  // 2 (v3 API) or 3 (v4 API)
  TimePoint issue_date{};
  TimePoint next_update{};
  Bytes fmspc;   // 6 bytes
  Bytes pce_id;  // 2 bytes
  int tcb_type = 0;
  uint32_t tcb_evaluation_data_number = 0;
  std::optional<TdxModule> tdx_module;
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> levels;  // JSON order (Intel serves them highest first)

  std::string FmspcHex() const { return HexEncode(fmspc, true); }
  std::string PceIdHex() const { return HexEncode(pce_id, true); }
};

// InvalidArgument "malformed at tcbInfo.…: …" on any deviation.
StatusOr<TcbInfo> ParseTcbInfo(std::string_view text);

// The TCB level a platform is at: the first level, in the order QVL walks
// them, whose 16 SGX component SVNs and PCESVN are all not above the
// platform's. QVL's order is descending by (SGX SVNs, PCESVN, TDX SVNs), each
// compared lexicographically; Intel serves levels in that order, but a
// document that does not is walked the same way. `tdx_tcb_svn` (TEE_TCB_SVN
// of a TD), when given, must also be at or above the level's TDX components
// (indices 0 and 1 skipped when tdx_tcb_svn[1] > 0: the TDX module identity
// covers them). NotFound when no level matches (Intel: TCB not supported).
StatusOr<const TcbLevel*> MatchTcbLevel(const TcbInfo& tcb_info, const SgxTcb& platform,
                                        const std::array<uint8_t, 16>* tdx_tcb_svn = nullptr);

}  // namespace thim::intel
