// Intel enclave identity version 2: QE, QVE, QAE (SGX) and TD_QE (TDX).
// Thread-safety: immutable value.
#pragma once

#include <string>
#include <vector>

#include "intel/isv_svn_level.h"
#include "intel/signed_document.h"
#include "intel/tcb.h"

namespace thim::intel {

enum class EnclaveId { kQe, kQve, kQae, kTdQe };
std::string_view EnclaveIdName(EnclaveId id);  // "QE", "QVE", "QAE", "TD_QE"

using EnclaveIdentityLevel = IsvSvnLevel;

struct EnclaveIdentity {
  SignedDocument document;
  EnclaveId id = EnclaveId::kQe;
  int version = 2;
  TimePoint issue_date{};
  TimePoint next_update{};
  uint32_t tcb_evaluation_data_number = 0;
  Bytes miscselect;       // 4 bytes
  Bytes miscselect_mask;  // 4 bytes
  Bytes attributes;       // 16 bytes
  Bytes attributes_mask;  // 16 bytes
  Bytes mrsigner;         // 32 bytes
  uint16_t isvprodid = 0;
  std::vector<EnclaveIdentityLevel> levels;  // JSON order (isvsvn descending as served)
};

// Only version 2 is accepted (as QVL). Level statuses must be UpToDate,
// OutOfDate, ConfigurationNeeded, OutOfDateConfigurationNeeded or Revoked.
StatusOr<EnclaveIdentity> ParseEnclaveIdentity(std::string_view text);

}  // namespace thim::intel
