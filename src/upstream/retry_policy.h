// Retry policy: which outcomes are worth another attempt and how long to wait.
//
// Retryable: transport failures (Unavailable), HTTP 500/502/503/504, and 429.
// Waits use "full jitter" (uniform in [0, min(max_delay, base_delay * 2^n)]),
// which spreads retries of many clients best (AWS Architecture Blog,
// "Exponential Backoff And Jitter"). A server's Retry-After on 429/503 takes
// precedence over the computed backoff; one beyond `max_retry_after` is not
// waited out at all (fail fast and tell the caller when to come back).
//
// Pure functions and a value type; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/time.h"

namespace thim::upstream {

struct RetryPolicy {
  int max_attempts = 4;                                // total attempts, including the first (>= 1)
  std::chrono::milliseconds base_delay{500};           // backoff cap before the first retry
  std::chrono::milliseconds max_delay{10'000};         // backoff cap for any retry
  std::chrono::seconds max_retry_after{60};            // longest Retry-After we are willing to sleep
};

// 429, 500, 502, 503, 504.
bool IsRetryableHttpStatus(int status);

// Statuses whose Retry-After is honoured: 429 and 503 (RFC 9110 §10.2.3).
bool HonoursRetryAfter(int status);

// Full-jitter delay before retry number `retry` (0 = first retry), with
// `unit_random` uniform in [0, 1). Result is in [0, min(max_delay, base*2^retry)].
std::chrono::nanoseconds FullJitterBackoff(const RetryPolicy& policy, int retry, double unit_random);

// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date in any of
// the three RFC 9110 §5.6.7 forms (IMF-fixdate, RFC 850, asctime), relative to
// `now`. A date in the past yields zero. nullopt when malformed.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now);

// Parses an HTTP-date (the three forms above) into UTC seconds.
std::optional<TimePoint> ParseHttpDate(std::string_view text);

}  // namespace thim::upstream
