#include "upstream/token_bucket.h"

#include <gtest/gtest.h>

#include "upstream/concurrency_limiter.h"

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(TokenBucketTest, BurstThenSteadyRate) {
  FakeClock clock(FromUnixSeconds(1'700'000'000));
  FakeSleeper sleeper(&clock);
  TokenBucket bucket(/*rate_per_second=*/5, /*burst=*/3, clock, sleeper);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.Acquire(seconds(10)).value(), nanoseconds(0)) << i;
  // Empty now: each further token is due 1/5 s after the previous one.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(bucket.Acquire(seconds(10)).value(), milliseconds(200)) << i;
  EXPECT_EQ(sleeper.sleeps().size(), 10u);
  EXPECT_EQ(sleeper.total(), seconds(2));  // 10 tokens at 5/s
}

TEST(TokenBucketTest, RefillsOverTimeButNotBeyondBurst) {
  FakeClock clock(FromUnixSeconds(1'700'000'000));
  FakeSleeper sleeper(&clock);
  TokenBucket bucket(2, 4, clock, sleeper);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(bucket.TryAcquire());
  EXPECT_FALSE(bucket.TryAcquire());
  clock.Advance(milliseconds(500));  // one token at 2/s
  EXPECT_TRUE(bucket.TryAcquire());
  EXPECT_FALSE(bucket.TryAcquire());
  clock.Advance(seconds(60));  // long idle: capped at burst
  EXPECT_DOUBLE_EQ(bucket.Available(), 4.0);
  EXPECT_TRUE(sleeper.sleeps().empty());
}

TEST(TokenBucketTest, ReservationsQueueCallersInOrder) {
  FakeClock clock(FromUnixSeconds(1'700'000'000));
  FakeSleeper sleeper;  // does not advance the clock: callers arrive "at the same instant"
  TokenBucket bucket(10, 1, clock, sleeper);
  EXPECT_EQ(bucket.Acquire(seconds(1)).value(), nanoseconds(0));
  EXPECT_EQ(bucket.Acquire(seconds(1)).value(), milliseconds(100));
  EXPECT_EQ(bucket.Acquire(seconds(1)).value(), milliseconds(200));
  EXPECT_EQ(bucket.Acquire(seconds(1)).value(), milliseconds(300));
}

TEST(TokenBucketTest, WaitLongerThanAllowedIsRefusedWithoutTakingAToken) {
  FakeClock clock(FromUnixSeconds(1'700'000'000));
  FakeSleeper sleeper(&clock);
  TokenBucket bucket(1, 1, clock, sleeper);
  ASSERT_TRUE(bucket.TryAcquire());
  auto r = bucket.Acquire(milliseconds(500));  // next token in 1 s
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(sleeper.sleeps().empty());
  EXPECT_DOUBLE_EQ(bucket.Available(), 0.0);  // nothing reserved
  EXPECT_EQ(bucket.Acquire(seconds(1)).value(), seconds(1));
}

TEST(TokenBucketTest, ZeroRateMeansUnlimited) {
  FakeClock clock(FromUnixSeconds(1'700'000'000));
  FakeSleeper sleeper(&clock);
  TokenBucket bucket(0, 1, clock, sleeper);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.Acquire(nanoseconds(0)).value(), nanoseconds(0));
  EXPECT_TRUE(sleeper.sleeps().empty());
}

TEST(ConcurrencyLimiterTest, PermitsAreRaiiAndBounded) {
  ConcurrencyLimiter limiter(2);
  auto a = limiter.Acquire(milliseconds(0));
  auto b = limiter.Acquire(milliseconds(0));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(limiter.in_flight(), 2);
  auto c = limiter.Acquire(milliseconds(20));
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);
  a->Release();
  EXPECT_EQ(limiter.in_flight(), 1);
  {
    auto d = limiter.Acquire(milliseconds(0));
    ASSERT_TRUE(d.ok());
    auto moved = std::move(*d);
    EXPECT_EQ(limiter.in_flight(), 2);
  }
  EXPECT_EQ(limiter.in_flight(), 1);
}

}  // namespace
}  // namespace thim::upstream
