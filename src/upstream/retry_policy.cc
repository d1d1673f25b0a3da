#include "upstream/retry_policy.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace thim::upstream {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Small cursor-based scanner; each Take* consumes on success only.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Literal(std::string_view lit) {
    if (s_.substr(0, lit.size()) != lit) return false;
    s_.remove_prefix(lit.size());
    return true;
  }
  // Exactly `min..max` digits.
  bool Number(size_t min, size_t max, int* out) {
    size_t n = 0;
    int v = 0;
    while (n < s_.size() && n < max && IsDigit(s_[n])) v = v * 10 + (s_[n++] - '0');
    if (n < min) return false;
    s_.remove_prefix(n);
    *out = v;
    return true;
  }
  bool Month(int* out) {
    for (size_t i = 0; i < kMonths.size(); ++i) {
      if (Literal(kMonths[i])) {
        *out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }
  // Skips letters (day names; the day name is redundant and not validated).
  bool Word() {
    size_t n = 0;
    while (n < s_.size() && ((s_[n] >= 'A' && s_[n] <= 'Z') || (s_[n] >= 'a' && s_[n] <= 'z'))) ++n;
    if (n == 0) return false;
    s_.remove_prefix(n);
    return true;
  }
  bool Time(int* h, int* m, int* s) {
    return Number(2, 2, h) && Literal(":") && Number(2, 2, m) && Literal(":") && Number(2, 2, s);
  }
  bool Done() const { return s_.empty(); }

 private:
  std::string_view s_;
};

std::optional<TimePoint> MakeTime(int year, int month, int day, int h, int m, int s) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                           std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || h > 23 || m > 59 || s > 60) return std::nullopt;  // 60: leap second tolerated
  return TimePoint(sys_days(ymd).time_since_epoch() + hours(h) + minutes(m) + seconds(s));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool HonoursRetryAfter(int status) { return status == 429 || status == 503; }

std::chrono::nanoseconds FullJitterBackoff(const RetryPolicy& policy, int retry, double unit_random) {
  using std::chrono::nanoseconds;
  const nanoseconds base = policy.base_delay;
  const nanoseconds max = policy.max_delay;
  // base * 2^retry without overflow: stop doubling once past the cap.
  nanoseconds cap = base;
  for (int i = 0; i < retry && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  if (cap.count() <= 0) return nanoseconds{0};
  const double u = std::clamp(unit_random, 0.0, 1.0);
  return nanoseconds(static_cast<int64_t>(u * static_cast<double>(cap.count())));
}

std::optional<TimePoint> ParseHttpDate(std::string_view text) {
  text = Trim(text);
  int day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;
  {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    Scanner sc(text);
    if (sc.Word() && sc.Literal(", ") && sc.Number(2, 2, &day) && sc.Literal(" ") && sc.Month(&month) &&
        sc.Literal(" ") && sc.Number(4, 4, &year) && sc.Literal(" ") && sc.Time(&h, &m, &s) && sc.Literal(" GMT") &&
        sc.Done()) {
      return MakeTime(year, month, day, h, m, s);
    }
  }
  {  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    Scanner sc(text);
    if (sc.Word() && sc.Literal(", ") && sc.Number(2, 2, &day) && sc.Literal("-") && sc.Month(&month) &&
        sc.Literal("-") && sc.Number(2, 2, &year) && sc.Literal(" ") && sc.Time(&h, &m, &s) && sc.Literal(" GMT") &&
        sc.Done()) {
      // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
      year += (year < 70) ? 2000 : 1900;
      return MakeTime(year, month, day, h, m, s);
    }
  }
  {  // asctime: "Sun Nov  6 08:49:37 1994"
    Scanner sc(text);
    if (sc.Word() && sc.Literal(" ") && sc.Month(&month) && sc.Literal(" ") && (sc.Literal(" ") || true) &&
        sc.Number(1, 2, &day) && sc.Literal(" ") && sc.Time(&h, &m, &s) && sc.Literal(" ") &&
        sc.Number(4, 4, &year) && sc.Done()) {
      return MakeTime(year, month, day, h, m, s);
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), IsDigit)) {
    // Saturate absurd values instead of overflowing; the cap decides anyway.
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    int64_t v = 0;
    for (char c : value) {
      v = v * 10 + (c - '0');
      if (v > kMax) {
        v = kMax;
        break;
      }
    }
    return std::chrono::seconds(v);
  }
  auto date = ParseHttpDate(value);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::seconds(0);
  return std::chrono::duration_cast<std::chrono::seconds>(*date - now);
}

}  // namespace thim::upstream
