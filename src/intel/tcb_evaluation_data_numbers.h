// Intel's signed list of the TCB evaluation data numbers PCS currently serves
// (GET /{sgx|tdx}/certification/v4/tcbevaluationdatanumbers).
// Thread-safety: immutable value.
#pragma once

#include <vector>

#include "intel/signed_document.h"
#include "intel/tcb_info.h"

namespace thim::intel {

struct TcbEvaluationDataNumber {
  uint32_t number = 0;
  TimePoint tcb_recovery_event_date{};
  TimePoint tcb_date{};
};

struct TcbEvaluationDataNumbers {
  SignedDocument document;
  TeeType id = TeeType::kSgx;
  int version = 1;
  TimePoint issue_date{};
  TimePoint next_update{};
  std::vector<TcbEvaluationDataNumber> numbers;  // as served (newest first)

  uint32_t Newest() const;
};

StatusOr<TcbEvaluationDataNumbers> ParseTcbEvaluationDataNumbers(std::string_view text);

}  // namespace thim::intel
