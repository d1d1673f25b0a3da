// Signed Intel collateral JSON for the simulator and tests, serialised
// compactly with Intel's key order (reference intel-pcs-pccs.md §2.1–2.4) and
// signed with ECDSA P-256 over the exact bytes of the body member.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/private_key.h"
#include "intel/enclave_identity.h"
#include "intel/tcb_info.h"

namespace thim::sim {

struct TcbLevelSpec {
  intel::SgxTcb sgx;
  std::optional<std::array<uint8_t, 16>> tdx;  // TDX TCB info only
  std::string tcb_date = "2024-03-13T00:00:00Z";
  std::string status = "UpToDate";  // any string: tests write invalid ones on purpose
  std::vector<std::string> advisory_ids;
};

struct TdxModuleIdentitySpec {
  std::string id = "TDX_01";
  std::vector<std::pair<int, std::string>> levels = {{4, "UpToDate"}, {2, "OutOfDate"}};  // (isvsvn, status)
};

struct TcbInfoSpec {
  intel::TeeType tee = intel::TeeType::kSgx;
  int version = 3;  // 2 = PCS v3 format (SGX only)
  std::string fmspc = "00906ED50000";
  std::string pce_id = "0000";
  uint32_t eval_number = 17;
  TimePoint issue_date;
  TimePoint next_update;
  std::vector<TcbLevelSpec> levels;
  std::vector<TdxModuleIdentitySpec> module_identities;  // TDX
};

struct EnclaveIdentitySpec {
  intel::EnclaveId id = intel::EnclaveId::kQe;
  uint32_t eval_number = 17;
  TimePoint issue_date;
  TimePoint next_update;
  std::string mrsigner = "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF";
  int isvprodid = 1;
  std::vector<std::pair<int, std::string>> levels = {{8, "UpToDate"}, {6, "OutOfDate"}};
  bool advisory_ids = true;  // v3-API identities omit them
};

struct EvalNumberSpec {
  uint32_t number;
  std::string recovery_date;
  std::string tcb_date;
};
struct TcbEvalNumbersSpec {
  intel::TeeType tee = intel::TeeType::kSgx;
  TimePoint issue_date;
  TimePoint next_update;
  std::vector<EvalNumberSpec> numbers;
};

// The body member's JSON text, compact, Intel's key order.
std::string TcbInfoBody(const TcbInfoSpec& spec);
std::string EnclaveIdentityBody(const EnclaveIdentitySpec& spec);
std::string TcbEvalNumbersBody(const TcbEvalNumbersSpec& spec);

// {"<name>":<body>,"signature":"<hex r‖s>"} signed by `signer`.
StatusOr<std::string> SignDocument(std::string_view name, const std::string& body, const crypto::PrivateKey& signer);

}  // namespace thim::sim
