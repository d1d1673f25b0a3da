#include <gtest/gtest.h>

#include <memory>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "core/time.h"

namespace thim {
namespace {

StatusOr<int> Half(int v) {
  if (v % 2) return InvalidArgumentError("odd");
  return v / 2;
}
StatusOr<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}
Status Check(int v) {
  RETURN_IF_ERROR(Half(v).status());
  return OkStatus();
}

TEST(Status, CodesNamesAndContext) {
  EXPECT_TRUE(OkStatus().ok());
  EXPECT_EQ(OkStatus().ToString(), "OK");
  Status s = NotFoundError("no TCB info");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NotFound: no TCB info");
  EXPECT_EQ(s.WithContext("fetch").message(), "fetch: no TCB info");
  EXPECT_EQ(s.WithContext("fetch").code(), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "ResourceExhausted");
  EXPECT_EQ(StatusCodeName(StatusCode::kDataLoss), "DataLoss");
  EXPECT_EQ(UnavailableError("x"), UnavailableError("x"));
}

TEST(StatusOr, PropagationAndMoveOnly) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Check(4).ok());
  EXPECT_FALSE(Check(3).ok());
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(5);
  ASSERT_TRUE(p.ok());
  std::unique_ptr<int> taken = std::move(p).value();
  EXPECT_EQ(*taken, 5);
}

TEST(Time, IntelFormatIsStrict) {
  auto t = ParseIntelTime("2025-05-27T19:31:43Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc3339(*t), "2025-05-27T19:31:43Z");
  EXPECT_EQ(ToUnixSeconds(*ParseIntelTime("1970-01-01T00:00:00Z")), 0);
  EXPECT_TRUE(ParseIntelTime("2024-02-29T00:00:00Z").ok());
  for (const char* bad : {"2025-02-29T00:00:00Z", "2025-02-30T00:00:00Z", "2025-05-27T19:31:43.5Z", "2025-05-27T19:31:43+00:00",
                          "2025-05-27t19:31:43z", "2025-05-27T24:00:00Z", "2025-13-01T00:00:00Z", "2025-05-27", "", "abcd-ef-ghTij:kl:mnZ"})
    EXPECT_FALSE(ParseIntelTime(bad).ok()) << bad;
}

TEST(Time, Rfc3339OffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2025-06-01T02:00:00+02:00"), *ParseRfc3339("2025-06-01T00:00:00Z"));
  EXPECT_EQ(*ParseRfc3339("2025-05-31T18:30:00-05:30"), *ParseRfc3339("2025-06-01T00:00:00Z"));
  EXPECT_EQ(*ParseRfc3339("2025-06-01T00:00:00.999Z"), *ParseRfc3339("2025-06-01T00:00:00Z"));
  EXPECT_EQ(*ParseRfc3339("2025-06-01t00:00:00z"), *ParseRfc3339("2025-06-01T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2025-06-01T00:00:00").ok());
  EXPECT_FALSE(ParseRfc3339("2025-06-01T00:00:00.Z").ok());
  EXPECT_FALSE(ParseRfc3339("2025-06-01T00:00:00+2:00").ok());
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2049-12-31T23:59:59Z")), "2049-12-31T23:59:59Z");
}

TEST(FakeClock, SetAndAdvance) {
  FakeClock clock(*ParseRfc3339("2025-06-01T00:00:00Z"));
  auto mono = clock.MonotonicNow();
  clock.Advance(std::chrono::seconds(90));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-06-01T00:01:30Z");
  EXPECT_EQ(clock.MonotonicNow() - mono, std::chrono::seconds(90));
  clock.Set(*ParseRfc3339("2030-01-01T00:00:00Z"));
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2030-01-01T00:00:00Z");
  EXPECT_GE(SystemClock::Instance().Now(), *ParseRfc3339("2026-01-01T00:00:00Z"));
}

TEST(Metrics, CountersHistogramsGaugesRender) {
  MetricsRegistry m;
  m.GetCounter("thim_x_total", "X", {{"route", "a\"b"}}).Inc(3);
  EXPECT_EQ(&m.GetCounter("thim_x_total", "X", {{"route", "a\"b"}}), &m.GetCounter("thim_x_total", "X", {{"route", "a\"b"}}));
  auto& h = m.GetHistogram("thim_latency_seconds", "L");
  h.Observe(std::chrono::microseconds(30));
  h.Observe(std::chrono::milliseconds(3));
  m.AddGauge("thim_items", "I", [] { return std::vector<std::pair<Labels, double>>{{{}, 7}}; });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE thim_x_total counter"), std::string::npos);
  EXPECT_NE(text.find("thim_x_total{route=\"a\\\"b\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("thim_latency_seconds_bucket{le=\"5.0000000000000002e-05\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("thim_latency_seconds_bucket{le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("thim_latency_seconds_count 2"), std::string::npos);
  EXPECT_NE(text.find("thim_items 7"), std::string::npos);
}

}  // namespace
}  // namespace thim
