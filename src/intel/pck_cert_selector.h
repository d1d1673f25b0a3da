// Intel's PCK certificate selection: given a platform's PCK certificates, its
// raw CPUSVN / PCESVN / PCE-ID and its FMSPC's TCB info levels, pick the
// certificate of the highest TCB level not above the raw TCB (reference
// intel-pcs-pccs.md §3.9; the same rule PCS applies for GET pckcert).
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "intel/pck_certificate.h"
#include "intel/tcb_info.h"

namespace thim::intel {

// Intel's PCKCertSelection return codes, kept distinct.
enum class PckSelectError {
  kNone = 0,
  kInvalidArgument = 1,      // no certificates, bad raw TCB
  kInvalidCertificate = 2,   // a certificate without a valid SGX extension
  kCpuSvnMismatch = 3,       // tcbType 0: a cert's CPUSVN differs from its 16 components
  kUnsupportedVersion = 4,   // TCB info version not 2 or 3
  kPceIdMismatch = 6,        // a cert's PCE-ID differs from the platform's
  kPpidMismatch = 7,         // certs of different platforms (PPIDs) mixed
  kFmspcMismatch = 8,        // a cert's FMSPC differs from the TCB info's
  kTcbPceIdMismatch = 10,    // the TCB info's pceId differs from the platform's
  kUnsupportedTcbType = 11,  // TCB info tcbType other than 0
  kNotFound = 12,            // no certificate at or below the raw TCB
};
std::string_view PckSelectErrorName(PckSelectError e);

struct PckSelectionInput {
  Bytes raw_cpusvn;  // 16 bytes
  uint16_t raw_pcesvn = 0;
  Bytes pce_id;      // 2 bytes
  // From the FMSPC's (SGX) TCB info.
  Bytes tcb_fmspc;   // 6 bytes
  Bytes tcb_pce_id;  // 2 bytes
  int tcb_type = 0;
  int tcb_version = 3;
  std::vector<SgxTcb> tcb_levels;  // in TCB-info order (highest first)
};

struct PckSelection {
  size_t index = 0;  // into the certificates passed in
  PckSelectError error = PckSelectError::kNone;
};

// OK with the chosen index, or an error whose Status code is NotFound for
// kNotFound, InvalidArgument for malformed input (1, 2, 4) and
// FailedPrecondition for inconsistent collateral (3, 6, 7, 8, 10, 11); the
// PckSelectError is in `*error` when given.
StatusOr<size_t> SelectPckCertificate(const PckSelectionInput& input, const std::vector<PckCertificate>& certs,
                                      PckSelectError* error = nullptr);

// Fills the TCB-info part of the input from a parsed TCB info.
void UseTcbInfo(const TcbInfo& tcb_info, PckSelectionInput& input);

}  // namespace thim::intel
