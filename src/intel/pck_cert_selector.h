// Intel's PCK certificate selection: given a platform's PCK certificates, its
// raw CPUSVN / PCESVN / PCE-ID and its FMSPC's TCB info levels, pick the
// certificate of the highest TCB level not above the raw TCB (reference
// intel-pcs-pccs.md §3.9; the same rule PCS applies for GET pckcert, and the
// one PCCS runs for every cached platform).
//
// The selector needs only the few TCB info fields listed in
// PckSelectionInput, so callers may fill them from any TCB info source;
// UseTcbInfo() does it from a parsed intel::TcbInfo.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "intel/pck_certificate.h"
#include "intel/tcb_info.h"

namespace thim::intel {

// Intel's PCKCertSelection return codes (numbers as in Intel's library), kept
// distinct so callers can log exactly what was wrong. Intel's 5 ("unexpected")
// has no counterpart: our failures are all named.
//
// Status mapping (what SelectPckCertificate returns alongside the enum):
//   kNotFound                                  → NotFound (no certificate fits
//                                                 this TCB; PCCS answers 404)
//   kInvalidArgument, kInvalidCertificate,
//   kInvalidVersion, kInvalidTcb               → InvalidArgument (malformed input)
//   kCpuSvnMismatch, kPceIdMismatch,
//   kPpidMismatch, kFmspcMismatch,
//   kTcbPceIdMismatch, kUnsupportedTcbType     → FailedPrecondition (well-formed
//                                                 but mutually inconsistent or
//                                                 unsupported collateral)
enum class PckSelectError {
  kNone = 0,
  kInvalidArgument = 1,      // no certificates, raw CPUSVN not 16 bytes, PCE-ID not 2
  kInvalidCertificate = 2,   // a certificate whose SGX fields have the wrong sizes
  kCpuSvnMismatch = 3,       // tcbType 0: a cert's CPUSVN differs from its 16 components
  kInvalidVersion = 4,       // a certificate not X.509 v3, or TCB info version not 2 or 3
  kPceIdMismatch = 6,        // a cert's PCE-ID differs from the platform's
  kPpidMismatch = 7,         // certs of different platforms (PPIDs) mixed
  kFmspcMismatch = 8,        // a cert's FMSPC differs from the TCB info's
  kInvalidTcb = 9,           // the TCB info has no TCB levels
  kTcbPceIdMismatch = 10,    // the TCB info's pceId differs from the platform's
  kUnsupportedTcbType = 11,  // TCB info tcbType other than 0
  kNotFound = 12,            // no certificate at or below the raw TCB
};
std::string_view PckSelectErrorName(PckSelectError e);

struct PckSelectionInput {
  // The platform, as a quote or a PCCS request describes it.
  Bytes raw_cpusvn;  // 16 bytes
  uint16_t raw_pcesvn = 0;
  Bytes pce_id;      // 2 bytes, as in the certificates (big-endian bytes of the PCE-ID)
  // From the FMSPC's SGX TCB info.
  Bytes tcb_fmspc;   // 6 bytes
  Bytes tcb_pce_id;  // 2 bytes
  int tcb_type = 0;
  int tcb_version = 3;
  std::vector<SgxTcb> tcb_levels;  // in TCB-info order (Intel serves them highest first)
};

struct PckSelection {
  size_t index = 0;     // into the certificates passed in
  PckCertificate cert;  // certs[index]
};

// Validates every input (each failure its own PckSelectError), then runs
// Intel's bucket algorithm: one bucket per TCB level in the order given plus
// a final bucket; each certificate goes into the first bucket whose level it
// is ≥ (CompareTcb kGreater or kEqual), inside a bucket before the first
// certificate it is ≥; the first certificate in that order whose TCB is not
// above the raw TCB (raw CPUSVN bytes as the 16 components, raw PCESVN) wins.
// On failure the Status follows the mapping above and, when `error` is given,
// `*error` holds the code (kNone on success).
StatusOr<PckSelection> SelectPckCertificate(const PckSelectionInput& input, const std::vector<PckCertificate>& certs,
                                            PckSelectError* error = nullptr);

// SelectByTcb (Intel's ordering step alone) is in intel/tcb.h.

// Fills the TCB-info part of `input` (fmspc, pceId, tcbType, version, levels'
// SGX TCBs in document order) from a parsed TCB info.
void UseTcbInfo(const TcbInfo& tcb_info, PckSelectionInput& input);

}  // namespace thim::intel
