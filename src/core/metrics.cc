#include "core/metrics.h"

#include <cstdio>

namespace thim {

void Histogram::Observe(std::chrono::nanoseconds d) {
  double seconds = static_cast<double>(d.count()) / 1e9;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(d.count() > 0 ? d.count() : 0), std::memory_order_relaxed);
}

std::array<uint64_t, Histogram::kBounds.size()> Histogram::CumulativeBuckets() const {
  std::array<uint64_t, kBounds.size()> out{};
  uint64_t running = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "counter";
  auto it = f.counters.find(labels);
  if (it != f.counters.end()) return *it->second;
  Counter* c = &counter_storage_.emplace_back();
  f.counters.emplace(labels, c);
  return *c;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "histogram";
  auto it = f.histograms.find(labels);
  if (it != f.histograms.end()) return *it->second;
  Histogram* h = &histogram_storage_.emplace_back();
  f.histograms.emplace(labels, h);
  return *h;
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                               std::function<std::vector<std::pair<Labels, double>>()> fn) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.help = help;
  f.type = "gauge";
  f.gauges.push_back(std::move(fn));
}

void MetricsRegistry::AddCounterFunc(const std::string& name, const std::string& help,
                                     std::function<std::vector<std::pair<Labels, double>>()> fn) {
  AddGauge(name, help, std::move(fn));  // a callback family like a gauge's…
  std::lock_guard lock(mu_);
  families_[name].type = "counter";  // …typed as what it counts
}

namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string FormatLabels(const Labels& labels, const std::string& extra_name = "", const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabel(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) out += name + FormatLabels(labels) + " " + std::to_string(c->Value()) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      auto buckets = h->CumulativeBuckets();
      for (size_t i = 0; i < buckets.size(); ++i)
        out += name + "_bucket" + FormatLabels(labels, "le", FormatDouble(Histogram::kBounds[i])) + " " +
               std::to_string(buckets[i]) + "\n";
      out += name + "_bucket" + FormatLabels(labels, "le", "+Inf") + " " + std::to_string(h->Count()) + "\n";
      out += name + "_sum" + FormatLabels(labels) + " " + FormatDouble(h->SumSeconds()) + "\n";
      out += name + "_count" + FormatLabels(labels) + " " + std::to_string(h->Count()) + "\n";
    }
    for (const auto& fn : f.gauges)
      for (const auto& [labels, value] : fn()) out += name + FormatLabels(labels) + " " + FormatDouble(value) + "\n";
  }
  return out;
}

}  // namespace thim
