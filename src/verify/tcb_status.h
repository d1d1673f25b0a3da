// Intel's TCB status vocabulary and QVL's convergence rules (reference
// intel-qpl-qvl.md §4.7): the TCB level status merged with the TDX module
// status, the TD 1.5 relaunch advice, and the QE identity status.
// Thread-safety: pure functions.
#pragma once
#include "intel/tcb.h"
#include "thim/verify.h"

namespace thim::verify {

// The QE identity's verdict on the QE report's ISVSVN.
enum class QeStatus { kUpToDate, kOutOfDate, kRevoked, kNotSupported };
std::string_view QeStatusName(QeStatus s);  // "UpToDate", "OutOfDate", "Revoked", "NotSupported"

Verdict VerdictOf(intel::TcbStatus status);

// True for the statuses with a configuration component.
bool NeedsConfiguration(Verdict v);

// convergeTcbStatusWithTdxModuleStatus: module OutOfDate turns an UpToDate or
// SWHardeningNeeded level into OutOfDate and a configuration status into
// OutOfDateConfigurationNeeded; a Revoked module makes it Revoked.
Verdict ConvergeWithTdxModule(Verdict level, intel::TcbStatus module);

// convergeTcbStatusWithQeTcbStatus: QE OutOfDate as above, QE Revoked ⇒
// Revoked, QE NotSupported ⇒ TcbNotSupported; otherwise the platform status.
Verdict ConvergeWithQe(Verdict platform, QeStatus qe);

}  // namespace thim::verify
