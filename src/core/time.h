// Time points and RFC 3339 text. Collateral dates are whole seconds in UTC.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace thim {

using TimePoint = std::chrono::sys_seconds;  // seconds since the Unix epoch, UTC

// Intel's strict form "YYYY-MM-DDThh:mm:ssZ": no fraction, no offset, a real
// calendar date (QVL rejects anything else).
StatusOr<TimePoint> ParseIntelTime(std::string_view text);

// General RFC 3339 ("2025-06-01T00:00:00Z", "…T02:00:00.5+02:00", lower-case
// t/z accepted); fractions are truncated to seconds.
StatusOr<TimePoint> ParseRfc3339(std::string_view text);

// "YYYY-MM-DDThh:mm:ssZ".
std::string FormatRfc3339(TimePoint t);

// Seconds since the epoch, convenient for storage.
inline int64_t ToUnixSeconds(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixSeconds(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

}  // namespace thim
