#include "intel/pck_cert_selector.h"

#include <algorithm>
#include <string>

namespace thim::intel {

std::string_view PckSelectErrorName(PckSelectError e) {
  switch (e) {
    case PckSelectError::kNone: return "none";
    case PckSelectError::kInvalidArgument: return "invalid argument";
    case PckSelectError::kInvalidCertificate: return "invalid certificate";
    case PckSelectError::kCpuSvnMismatch: return "certificate CPUSVN mismatch";
    case PckSelectError::kInvalidVersion: return "unsupported version";
    case PckSelectError::kPceIdMismatch: return "PCE-ID mismatch";
    case PckSelectError::kPpidMismatch: return "PPID mismatch";
    case PckSelectError::kFmspcMismatch: return "FMSPC mismatch";
    case PckSelectError::kInvalidTcb: return "invalid TCB info";
    case PckSelectError::kTcbPceIdMismatch: return "TCB info PCE-ID mismatch";
    case PckSelectError::kUnsupportedTcbType: return "unsupported tcbType";
    case PckSelectError::kNotFound: return "no PCK certificate for this TCB";
  }
  return "?";
}

void UseTcbInfo(const TcbInfo& tcb_info, PckSelectionInput& input) {
  input.tcb_fmspc = tcb_info.fmspc;
  input.tcb_pce_id = tcb_info.pce_id;
  input.tcb_type = tcb_info.tcb_type;
  input.tcb_version = tcb_info.version;
  input.tcb_levels.clear();
  for (const auto& level : tcb_info.levels) input.tcb_levels.push_back(level.sgx);
}

namespace {

Status Fail(PckSelectError code, PckSelectError* out, const std::string& detail) {
  if (out) *out = code;
  std::string message = std::string(PckSelectErrorName(code)) + (detail.empty() ? "" : ": " + detail);
  switch (code) {
    case PckSelectError::kNotFound: return NotFoundError(message);
    case PckSelectError::kInvalidArgument:
    case PckSelectError::kInvalidCertificate:
    case PckSelectError::kInvalidVersion:
    case PckSelectError::kInvalidTcb: return InvalidArgumentError(message);
    default: return FailedPreconditionError(message);
  }
}

}  // namespace

StatusOr<PckSelection> SelectPckCertificate(const PckSelectionInput& in, const std::vector<PckCertificate>& certs,
                                            PckSelectError* error) {
  if (error) *error = PckSelectError::kNone;
  // The TCB info first, then each certificate, in Intel's order, so the same
  // input yields the same code as Intel's library.
  if (certs.empty()) return Fail(PckSelectError::kInvalidArgument, error, "no certificates");
  if (in.raw_cpusvn.size() != 16)
    return Fail(PckSelectError::kInvalidArgument, error, "raw CPUSVN is " + std::to_string(in.raw_cpusvn.size()) + " bytes, expected 16");
  if (in.pce_id.size() != 2)
    return Fail(PckSelectError::kInvalidArgument, error, "PCE-ID is " + std::to_string(in.pce_id.size()) + " bytes, expected 2");
  if (in.tcb_version != 2 && in.tcb_version != 3)
    return Fail(PckSelectError::kInvalidVersion, error, "TCB info version " + std::to_string(in.tcb_version) + ", expected 2 or 3");
  if (in.tcb_type != 0) return Fail(PckSelectError::kUnsupportedTcbType, error, "tcbType " + std::to_string(in.tcb_type));
  if (in.tcb_levels.empty()) return Fail(PckSelectError::kInvalidTcb, error, "no TCB levels");
  if (in.tcb_pce_id != in.pce_id)
    return Fail(PckSelectError::kTcbPceIdMismatch, error,
                "TCB info " + HexEncode(in.tcb_pce_id, true) + ", platform " + HexEncode(in.pce_id, true));
  for (size_t i = 0; i < certs.size(); ++i) {
    const PckCertificate& c = certs[i];
    std::string which = "certificate " + std::to_string(i);
    if (c.cpusvn.size() != 16 || c.fmspc.size() != 6 || c.pce_id.size() != 2 || c.ppid.size() != 16)
      return Fail(PckSelectError::kInvalidCertificate, error, which + " has malformed SGX fields");
    if (c.cert.Version() != 3)
      return Fail(PckSelectError::kInvalidVersion, error, which + " is X.509 v" + std::to_string(c.cert.Version()));
    // tcbType 0: the CPUSVN decomposes into the 16 components one-to-one, so
    // a certificate whose two copies disagree cannot be ordered reliably.
    if (!std::equal(c.cpusvn.begin(), c.cpusvn.end(), c.tcb.components.begin()))
      return Fail(PckSelectError::kCpuSvnMismatch, error,
                  which + " CPUSVN " + HexEncode(c.cpusvn, true) + " differs from its TCB components");
    if (c.pce_id != in.pce_id)
      return Fail(PckSelectError::kPceIdMismatch, error, which + " has " + c.PceIdHex() + ", platform " + HexEncode(in.pce_id, true));
    if (c.fmspc != in.tcb_fmspc)
      return Fail(PckSelectError::kFmspcMismatch, error, which + " has " + c.FmspcHex() + ", TCB info " + HexEncode(in.tcb_fmspc, true));
    if (c.ppid != certs[0].ppid) return Fail(PckSelectError::kPpidMismatch, error, which + " belongs to another platform");
  }

  std::vector<SgxTcb> tcbs;
  tcbs.reserve(certs.size());
  for (const auto& c : certs) tcbs.push_back(c.tcb);
  SgxTcb raw;
  std::copy(in.raw_cpusvn.begin(), in.raw_cpusvn.end(), raw.components.begin());
  raw.pcesvn = in.raw_pcesvn;
  if (auto i = SelectByTcb(in.tcb_levels, tcbs, raw)) return PckSelection{*i, certs[*i]};
  return Fail(PckSelectError::kNotFound, error,
              "every certificate is above the raw TCB " + FormatTcbm(in.raw_cpusvn, in.raw_pcesvn));
}

}  // namespace thim::intel
