#include "verify/tcb_status.h"

namespace thim::verify {

std::string_view QeStatusName(QeStatus s) {
  switch (s) {
    case QeStatus::kUpToDate: return "UpToDate";
    case QeStatus::kOutOfDate: return "OutOfDate";
    case QeStatus::kRevoked: return "Revoked";
    case QeStatus::kNotSupported: return "NotSupported";
  }
  return "?";
}

namespace {
constexpr std::pair<Verdict, std::string_view> kVerdictNames[] = {
    {Verdict::kUpToDate, "UpToDate"},
    {Verdict::kSWHardeningNeeded, "SWHardeningNeeded"},
    {Verdict::kConfigurationNeeded, "ConfigurationNeeded"},
    {Verdict::kConfigurationAndSWHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {Verdict::kOutOfDate, "OutOfDate"},
    {Verdict::kOutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {Verdict::kTdRelaunchAdvised, "TDRelaunchAdvised"},
    {Verdict::kTdRelaunchAdvisedConfigurationNeeded, "TDRelaunchAdvisedConfigurationNeeded"},
    {Verdict::kRevoked, "Revoked"},
    {Verdict::kTcbNotSupported, "TcbNotSupported"},
    {Verdict::kInvalid, "Invalid"},
};
}  // namespace

std::string_view VerdictName(Verdict v) {
  for (const auto& [verdict, name] : kVerdictNames)
    if (verdict == v) return name;
  return "?";
}

StatusOr<Verdict> ParseVerdict(std::string_view name) {
  for (const auto& [verdict, n] : kVerdictNames)
    if (n == name) return verdict;
  return InvalidArgumentError("unknown status \"" + std::string(name) +
                              "\" (expected UpToDate, SWHardeningNeeded, ConfigurationNeeded, "
                              "ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded, "
                              "TDRelaunchAdvised, TDRelaunchAdvisedConfigurationNeeded, Revoked or TcbNotSupported)");
}

Verdict VerdictOf(intel::TcbStatus status) {
  using intel::TcbStatus;
  switch (status) {
    case TcbStatus::kUpToDate: return Verdict::kUpToDate;
    case TcbStatus::kSWHardeningNeeded: return Verdict::kSWHardeningNeeded;
    case TcbStatus::kConfigurationNeeded: return Verdict::kConfigurationNeeded;
    case TcbStatus::kConfigurationAndSWHardeningNeeded: return Verdict::kConfigurationAndSWHardeningNeeded;
    case TcbStatus::kOutOfDate: return Verdict::kOutOfDate;
    case TcbStatus::kOutOfDateConfigurationNeeded: return Verdict::kOutOfDateConfigurationNeeded;
    case TcbStatus::kRevoked: return Verdict::kRevoked;
  }
  return Verdict::kInvalid;
}

bool NeedsConfiguration(Verdict v) {
  return v == Verdict::kConfigurationNeeded || v == Verdict::kConfigurationAndSWHardeningNeeded ||
         v == Verdict::kOutOfDateConfigurationNeeded || v == Verdict::kTdRelaunchAdvisedConfigurationNeeded;
}

namespace {
// The shared "an out-of-date component drags the platform down" rule.
Verdict OutOfDateMerge(Verdict platform) {
  switch (platform) {
    case Verdict::kUpToDate:
    case Verdict::kSWHardeningNeeded: return Verdict::kOutOfDate;
    case Verdict::kConfigurationNeeded:
    case Verdict::kConfigurationAndSWHardeningNeeded: return Verdict::kOutOfDateConfigurationNeeded;
    default: return platform;
  }
}
}  // namespace

Verdict ConvergeWithTdxModule(Verdict level, intel::TcbStatus module) {
  if (module == intel::TcbStatus::kOutOfDate) return OutOfDateMerge(level);
  if (module == intel::TcbStatus::kRevoked) return Verdict::kRevoked;
  return level;
}

Verdict ConvergeWithQe(Verdict platform, QeStatus qe) {
  switch (qe) {
    case QeStatus::kOutOfDate: return OutOfDateMerge(platform);
    case QeStatus::kRevoked: return Verdict::kRevoked;
    case QeStatus::kNotSupported: return Verdict::kTcbNotSupported;
    case QeStatus::kUpToDate: return platform;
  }
  return platform;
}

}  // namespace thim::verify
