// A small Prometheus-text metrics registry shared by every module.
//
// Counters and histograms are created once (under a mutex) and then updated
// lock-free through the returned references, which stay valid for the
// registry's lifetime. Gauges are callbacks evaluated at scrape time.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace thim {

// Label pairs in a fixed order, e.g. {{"route","sgx_v4_tcb"},{"status","200"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Latency histogram with fixed buckets from 50 µs to 10 s.
class Histogram {
 public:
  static constexpr std::array<double, 16> kBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,    10};
  void Observe(std::chrono::nanoseconds d);
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  // Bucket counts (cumulative as Prometheus wants them) and the sum in seconds.
  std::array<uint64_t, kBounds.size()> CumulativeBuckets() const;
  double SumSeconds() const { return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9; }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class MetricsRegistry {
 public:
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {});
  // `fn` returns (labels, value) samples; evaluated at every scrape.
  void AddGauge(const std::string& name, const std::string& help,
                std::function<std::vector<std::pair<Labels, double>>()> fn);
  // The same for a counter another component keeps (e.g. a Stats() struct):
  // `fn` must return values that never decrease.
  void AddCounterFunc(const std::string& name, const std::string& help,
                      std::function<std::vector<std::pair<Labels, double>>()> fn);

  // Prometheus text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // "counter", "histogram", "gauge"
    std::map<Labels, Counter*> counters;
    std::map<Labels, Histogram*> histograms;
    std::vector<std::function<std::vector<std::pair<Labels, double>>()>> gauges;  // callbacks: gauges, or counters kept elsewhere
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counter_storage_;  // deque: stable addresses
  std::deque<Histogram> histogram_storage_;
};

}  // namespace thim
