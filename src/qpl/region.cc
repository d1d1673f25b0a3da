#include "qpl/region.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "qpl/fetcher.h"

namespace thim::qpl {
namespace {

constexpr const char* kImdsPath = "/metadata/instance?api-version=2021-02-01";
constexpr int kImdsConnectSeconds = 2;  // IMDS answers in milliseconds on Azure; off Azure the connect may hang
constexpr int kImdsTotalSeconds = 5;
constexpr int kLogError = 0, kLogInfo = 1;  // SGX_QL_LOG_ERROR, SGX_QL_LOG_INFO

}  // namespace

bool IsDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'; });
}

std::optional<std::string> RegionFromImds(const std::string& body, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<std::string> {
    if (why) *why = reason;
    return std::nullopt;
  };
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return fail("the answer is not a JSON object");
  auto compute = j.find("compute");
  if (compute == j.end() || !compute->is_object()) return fail("the answer has no compute object");
  auto location = compute->find("location");
  if (location == compute->end() || !location->is_string()) return fail("compute.location is not a string");
  std::string region = location->get<std::string>();
  std::transform(region.begin(), region.end(), region.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (!IsDnsLabel(region)) {
    std::string shown = region.substr(0, 80);
    for (char& ch : shown)
      if (!std::isprint(static_cast<unsigned char>(ch))) ch = '?';
    return fail("compute.location \"" + shown + "\" is not a DNS label");
  }
  return region;
}

std::string RegionalTdxBase(const std::string& region, const std::string& suffix) {
  return WithSlash("https://" + region + suffix) + "v4/";
}

std::string RegionDiscovery::TdxBase(const Config& c, Cache& cache, const LogFn& log) {
  if (!c.tdx_collateral_service.empty()) return c.tdx_collateral_service;
  if (c.tdx_region_suffix.empty()) return "";
  std::vector<std::pair<int, std::string>> notes;
  std::string base;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!done_) {
      std::string region = Discover(c, cache, notes);
      base_ = region.empty() ? "" : RegionalTdxBase(region, c.tdx_region_suffix);
      done_ = true;
      if (!base_.empty()) notes.emplace_back(kLogInfo, "TDX collateral from the region's THIM: " + base_);
    }
    base = base_;
  }
  for (auto& [level, message] : notes) log(level, message);
  return base;
}

std::string RegionDiscovery::Discover(const Config& c, Cache& cache, std::vector<std::pair<int, std::string>>& notes) {
  if (auto item = cache.Get(kRegionCacheKey, std::numeric_limits<int64_t>::min())) {
    std::string region = item->Field("region");
    if (IsDnsLabel(region)) return region;
    notes.emplace_back(kLogError, "cached region is not a DNS label; asking IMDS again");
  }
  Config imds = c;  // same TLS settings; IMDS's own timeouts, no retries, no proxy
  imds.connect_timeout_seconds = std::min(c.connect_timeout_seconds, kImdsConnectSeconds);
  imds.request_timeout_seconds = std::min(c.request_timeout_seconds, kImdsTotalSeconds);
  imds.retry_times = 0;
  std::string url = c.imds_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += kImdsPath;
  HttpResult r = HttpGet(imds, url, {{"metadata", "true"}}, [](int, const std::string&) {}, /*no_proxy=*/true);
  std::string why;
  std::optional<std::string> region;
  if (!r.transport_ok) why = r.error;
  else if (r.status != 200) why = "HTTP " + std::to_string(r.status);
  else region = RegionFromImds(r.body, &why);
  if (!region) {
    notes.emplace_back(kLogError, "TDX region discovery through IMDS (GET " + url + ") failed: " + why +
                                      "; TDX collateral comes from " + c.CollateralBase() +
                                      " (set AZDCAP_REGION_URL to name the region)");
    return "";
  }
  CachedItem item;
  item.type = kRegionCacheType;
  item.expires = std::numeric_limits<int64_t>::max();  // Azure caches the region forever
  item.fields = {{"region", *region}};
  cache.Put(kRegionCacheKey, item);
  notes.emplace_back(kLogInfo, "TDX region " + *region + " (IMDS compute.location), cached");
  return *region;
}

}  // namespace thim::qpl
