#include "core/time.h"

#include <cstdio>

namespace thim {
namespace {

bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Parses "YYYY-MM-DDThh:mm:ss" at the start of `s`; returns the time as if UTC.
StatusOr<TimePoint> ParseDateTime(std::string_view s, bool allow_lower_t) {
  int y, mo, d, h, mi, se;
  bool sep_ok = s.size() >= 19 && s[4] == '-' && s[7] == '-' &&
                (s[10] == 'T' || (allow_lower_t && (s[10] == 't' || s[10] == ' '))) && s[13] == ':' && s[16] == ':';
  if (!sep_ok || !ReadDigits(s, 0, 4, &y) || !ReadDigits(s, 5, 2, &mo) || !ReadDigits(s, 8, 2, &d) ||
      !ReadDigits(s, 11, 2, &h) || !ReadDigits(s, 14, 2, &mi) || !ReadDigits(s, 17, 2, &se))
    return InvalidArgumentError("not a date-time of the form YYYY-MM-DDThh:mm:ss: \"" + std::string(s.substr(0, 40)) + "\"");
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return InvalidArgumentError("not a calendar date: \"" + std::string(s.substr(0, 10)) + "\"");
  if (h > 23 || mi > 59 || se > 60) return InvalidArgumentError("not a time of day: \"" + std::string(s.substr(11, 8)) + "\"");
  if (se == 60) se = 59;  // leap second: clamp, never seen in collateral
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
}

}  // namespace

StatusOr<TimePoint> ParseIntelTime(std::string_view text) {
  if (text.size() != 20 || text[19] != 'Z')
    return InvalidArgumentError("date must be YYYY-MM-DDThh:mm:ssZ, got \"" + std::string(text.substr(0, 40)) + "\"");
  return ParseDateTime(text, false);
}

StatusOr<TimePoint> ParseRfc3339(std::string_view text) {
  ASSIGN_OR_RETURN(TimePoint t, ParseDateTime(text, true));
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
    if (digits == 0) return InvalidArgumentError("RFC 3339: empty fraction in \"" + std::string(text) + "\"");
  }
  if (pos >= text.size()) return InvalidArgumentError("RFC 3339: missing time zone (Z or ±hh:mm) in \"" + std::string(text) + "\"");
  char z = text[pos];
  if ((z == 'Z' || z == 'z') && pos + 1 == text.size()) return t;
  if ((z == '+' || z == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
    int oh, om;
    if (ReadDigits(text, pos + 1, 2, &oh) && ReadDigits(text, pos + 4, 2, &om) && oh <= 23 && om <= 59) {
      auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
      return z == '+' ? TimePoint(t - offset) : TimePoint(t + offset);
    }
  }
  return InvalidArgumentError("RFC 3339: invalid time zone in \"" + std::string(text) + "\"");
}

std::string FormatRfc3339(TimePoint t) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(days);
  std::chrono::hh_mm_ss<std::chrono::seconds> hms(t - days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace thim
