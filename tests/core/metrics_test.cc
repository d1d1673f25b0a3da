// Prometheus text rendering of the metrics registry (core/metrics.h).
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <chrono>

namespace thim {
namespace {

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

TEST(Metrics, CounterKeptElsewhereIsTypedCounter) {
  MetricsRegistry m;
  uint64_t calls = 4;
  m.AddCounterFunc("thim_kept_total", "K", [&calls] {
    return std::vector<std::pair<Labels, double>>{{{{"kind", "crl"}}, static_cast<double>(calls)}};
  });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE thim_kept_total counter\nthim_kept_total{kind=\"crl\"} 4\n"), std::string::npos) << text;
  calls = 9;
  EXPECT_NE(m.Render().find("thim_kept_total{kind=\"crl\"} 9\n"), std::string::npos);
}

}  // namespace
}  // namespace thim
