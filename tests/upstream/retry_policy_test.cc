#include "upstream/retry_policy.h"

#include <gtest/gtest.h>

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TimePoint T(int64_t unix) { return FromUnixSeconds(unix); }

TEST(RetryPolicyTest, RetryableStatuses) {
  for (int s : {429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (int s : {200, 201, 301, 400, 401, 403, 404, 410, 415, 501}) EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
  EXPECT_TRUE(HonoursRetryAfter(429));
  EXPECT_TRUE(HonoursRetryAfter(503));
  EXPECT_FALSE(HonoursRetryAfter(500));
}

TEST(RetryPolicyTest, FullJitterStaysWithinExponentialCap) {
  RetryPolicy p{.max_attempts = 10, .base_delay = milliseconds(100), .max_delay = milliseconds(1000)};
  EXPECT_EQ(FullJitterBackoff(p, 0, 0.0), nanoseconds(0));
  EXPECT_EQ(FullJitterBackoff(p, 0, 0.5), milliseconds(50));
  EXPECT_EQ(FullJitterBackoff(p, 1, 0.5), milliseconds(100));
  EXPECT_EQ(FullJitterBackoff(p, 2, 0.5), milliseconds(200));
  EXPECT_EQ(FullJitterBackoff(p, 3, 0.5), milliseconds(400));
  EXPECT_EQ(FullJitterBackoff(p, 4, 0.5), milliseconds(500));  // capped at max_delay 1000
  EXPECT_EQ(FullJitterBackoff(p, 60, 0.5), milliseconds(500));  // no overflow for huge retry numbers
  for (int retry = 0; retry < 8; ++retry) {
    const nanoseconds cap = std::min<nanoseconds>(milliseconds(100) * (1 << retry), milliseconds(1000));
    for (double u : {0.0, 0.1, 0.37, 0.9, 0.999999}) {
      const nanoseconds d = FullJitterBackoff(p, retry, u);
      EXPECT_GE(d, nanoseconds(0));
      EXPECT_LE(d, cap);
    }
  }
}

TEST(RetryPolicyTest, RetryAfterDeltaSeconds) {
  EXPECT_EQ(ParseRetryAfter("120", T(0)), seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", T(0)), seconds(0));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", T(0)), seconds(2147483647));  // saturates
  EXPECT_FALSE(ParseRetryAfter("", T(0)));
  EXPECT_FALSE(ParseRetryAfter("-5", T(0)));
  EXPECT_FALSE(ParseRetryAfter("1.5", T(0)));
  EXPECT_FALSE(ParseRetryAfter("soon", T(0)));
}

TEST(RetryPolicyTest, RetryAfterHttpDateAllThreeForms) {
  // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT (the RFC 9110 example).
  const TimePoint now = T(784111777 - 90);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now), seconds(90));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), seconds(90));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", now), seconds(90));
  // In the past: retry now.
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", T(784111777 + 5)), seconds(0));
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), T(784111777));
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 2026 00:00:00 GMT"), T(1767225600));
}

TEST(RetryPolicyTest, MalformedHttpDatesRejected) {
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 2026 00:00:00 GMT"));  // not a calendar date
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
}

}  // namespace
}  // namespace thim::upstream
