// The Clock seam (core/clock.h): SystemClock and the FakeClock tests move by hand.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace thim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TimePoint T(const char* s) { return *ParseRfc3339(s); }

TEST(FakeClock, StartsAtTheGivenTime) {
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:00:00Z");
  EXPECT_EQ(clock.Now(), clock.Now());
  EXPECT_EQ(clock.MonotonicNow(), clock.MonotonicNow());
}

TEST(FakeClock, AdvanceMovesBothClocks) {
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  clock.Advance(seconds(90));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:01:30Z");
  EXPECT_EQ(clock.MonotonicNow() - mono, seconds(90));
  clock.Advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2026-06-01T00:01:30Z");
  EXPECT_EQ(clock.MonotonicNow() - mono, seconds(90) + std::chrono::hours(24 * 365));
}

TEST(FakeClock, MonotonicKeepsSubSecondPrecision) {
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  clock.Advance(nanoseconds(1));
  EXPECT_EQ(clock.MonotonicNow() - mono, nanoseconds(1));
  clock.Advance(milliseconds(250));
  EXPECT_EQ(clock.MonotonicNow() - mono, milliseconds(250) + nanoseconds(1));
}

TEST(FakeClock, SubSecondStepsAddUpOnTheWallClock) {
  // FakeSleeper advances by backoff delays of a few hundred milliseconds; the
  // wall clock must not lag the monotonic one however the time is sliced.
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  clock.Advance(milliseconds(500));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:00:00Z");  // whole seconds only
  clock.Advance(milliseconds(500));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:00:01Z");
  for (int i = 0; i < 10; ++i) clock.Advance(milliseconds(150));
  EXPECT_EQ(clock.MonotonicNow() - mono, milliseconds(2500));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:00:02Z");
  clock.Advance(milliseconds(1500));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:00:04Z");
}

TEST(FakeClock, SetMovesOnlyTheWallClock) {
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  clock.Set(T("2030-01-01T00:00:00Z"));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2030-01-01T00:00:00Z");
  EXPECT_EQ(clock.MonotonicNow(), mono);
  clock.Set(T("2020-01-01T00:00:00Z"));  // the wall clock may go backwards
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2020-01-01T00:00:00Z");
  EXPECT_EQ(clock.MonotonicNow(), mono);
  clock.Advance(seconds(1));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2020-01-01T00:00:01Z");
}

TEST(FakeClock, FarDates) {
  FakeClock clock(T("9999-12-31T23:59:00Z"));
  clock.Advance(seconds(59));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "9999-12-31T23:59:59Z");
  clock.Set(T("1900-01-01T00:00:00Z"));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "1900-01-01T00:00:00Z");
}

TEST(FakeClock, ConcurrentAdvancesAllCount) {
  FakeClock clock(T("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) {
        clock.Advance(seconds(1));
        (void)clock.Now();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(clock.MonotonicNow() - mono, seconds(4000));
  EXPECT_EQ(clock.Now() - T("2025-06-01T00:00:00Z"), seconds(4000));
}

TEST(FakeClock, UsableThroughTheInterface) {
  FakeClock fake(T("2025-06-01T00:00:00Z"));
  const Clock& clock = fake;
  EXPECT_EQ(clock.Now(), T("2025-06-01T00:00:00Z"));
  fake.Advance(seconds(5));
  EXPECT_EQ(clock.Now(), T("2025-06-01T00:00:05Z"));
}

TEST(SystemClock, WholeSecondsNearTheRealTime) {
  const SystemClock& clock = SystemClock::Instance();
  EXPECT_EQ(&clock, &SystemClock::Instance());
  TimePoint now = clock.Now();
  EXPECT_GE(now, T("2025-01-01T00:00:00Z"));
  auto real = std::chrono::system_clock::now();
  EXPECT_LE(now, real);
  EXPECT_GT(now + seconds(2), real);
  auto m1 = clock.MonotonicNow();
  auto m2 = clock.MonotonicNow();
  EXPECT_LE(m1, m2);
}

}  // namespace
}  // namespace thim
