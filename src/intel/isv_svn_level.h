// The TCB levels of enclave identities and TDX module identities:
// [{"tcb":{"isvsvn":n},"tcbDate":…,"tcbStatus":…,"advisoryIDs"?:[…]}].
// Thread-safety: pure function.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "intel/strict_json.h"
#include "intel/tcb.h"

namespace thim::intel {

struct IsvSvnLevel {
  uint16_t isvsvn = 0;
  TimePoint tcb_date{};
  TcbStatus status = TcbStatus::kUpToDate;
  std::vector<std::string> advisory_ids;
};

// The non-empty array `parent.tcbLevels`, each isvsvn ≤ `max_isvsvn` and each
// status one of `allowed` (`allowed_text` names them in the error).
StatusOr<std::vector<IsvSvnLevel>> ParseIsvSvnLevels(const JsonObject& parent, uint16_t max_isvsvn,
                                                     std::initializer_list<TcbStatus> allowed, const char* allowed_text);

}  // namespace thim::intel
