// Azure's TDX region discovery (qpl/region.h): IMDS's compute.location,
// validated as a DNS label, cached on disk forever, fallback when IMDS is
// down or wrong. Against thim-sim's IMDS on loopback.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "qpl/region.h"
#include "server/http_server.h"
#include "sim/imds_simulator.h"
#include "testdata.h"

namespace thim::qpl {
namespace {

namespace fs = std::filesystem;

TEST(QplRegion, DnsLabels) {
  const std::vector<std::string> good = {"westeurope", "eastus2euap", "a", "x-1", std::string(63, 'a')};
  for (const auto& ok : good) EXPECT_TRUE(IsDnsLabel(ok)) << ok;
  const std::vector<std::string> bad = {"", "-west", "west-", "West", "west europe", "west.europe", "evil.com/x", "a:1",
                                        "a@b", "a#", "\xc3\xbc", std::string(64, 'a'), std::string("a\0b", 3)};
  for (const auto& b : bad) EXPECT_FALSE(IsDnsLabel(b)) << b;
}

TEST(QplRegion, LocationFromImdsAnswers) {
  std::string why;
  EXPECT_EQ(RegionFromImds(R"({"compute":{"location":"WestEurope","name":"vm"}})", &why), "westeurope");
  EXPECT_EQ(RegionFromImds(R"({"compute":{"location":"eastus2euap"},"network":{}})", &why), "eastus2euap");
  for (const char* bad : {"", "not json", "[]", R"({"compute":1})", R"({"compute":{}})", R"({"compute":{"location":7}})",
                          R"({"compute":{"location":""}})", R"({"compute":{"location":"evil.example.com/x?"}})",
                          R"({"compute":{"location":"west europe"}})", R"({"compute":{"location":"a\u0000b"}})"}) {
    why.clear();
    EXPECT_FALSE(RegionFromImds(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  EXPECT_EQ(RegionalTdxBase("westeurope", ".thim.azure.net/sgx/certification"),
            "https://westeurope.thim.azure.net/sgx/certification/v4/");
}

class QplRegionDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = thim::testing::FreshTestDir("thim-qpl-region");
    auto router = std::make_shared<server::Router>();
    imds_.AddRoutes(*router);
    server::ServerOptions o;
    o.port = 0;
    o.threads = 1;
    server_ = std::make_unique<server::HttpServer>(o, router, nullptr);
    ASSERT_TRUE(server_->Start().ok());
    config_.collateral_service = "https://global.example/sgx/certification/v4/";
    config_.tdx_region_suffix = ".thim.example/sgx/certification";
    config_.imds_url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
  }
  void TearDown() override {
    server_->Stop();
    fs::remove_all(dir_);
  }
  std::string Base(RegionDiscovery& d, Cache& cache) {
    return d.TdxBase(config_, cache, [this](int level, const std::string& m) { log_.emplace_back(level, m); });
  }

  fs::path dir_;
  sim::ImdsSimulator imds_{"WestEurope"};
  std::unique_ptr<server::HttpServer> server_;
  Config config_;
  std::vector<std::pair<int, std::string>> log_;
};

TEST_F(QplRegionDiscovery, DiscoveredOnceCachedOnDiskAndUsed) {
  Cache cache(dir_.string(), [](int, const std::string&) {});
  RegionDiscovery d;
  EXPECT_EQ(imds_.Requests(), 0u);  // nothing happens before the first TDX call
  EXPECT_EQ(Base(d, cache), "https://westeurope.thim.example/sgx/certification/v4/");
  EXPECT_EQ(Base(d, cache), "https://westeurope.thim.example/sgx/certification/v4/");
  EXPECT_EQ(imds_.Requests(), 1u);
  // (IMDS refuses a request without "Metadata: true"; the discovery sends it.)
  HttpResult bare = HttpGet(config_, config_.imds_url + "metadata/instance?api-version=2021-02-01", {}, [](int, const std::string&) {});
  EXPECT_EQ(bare.status, 400);
  // Another process (a new cache object on the same directory, a new
  // discovery) finds it on disk, even with IMDS gone.
  imds_.SetOutage(true);
  Cache reloaded(dir_.string(), [](int, const std::string&) {});
  RegionDiscovery again;
  EXPECT_EQ(Base(again, reloaded), "https://westeurope.thim.example/sgx/certification/v4/");
  EXPECT_EQ(imds_.Requests(), 2u);  // only the bare request above
  // Clearing the collateral and certificate caches keeps it (Azure: forever).
  reloaded.Clear(1 | 2 | 4);
  Cache third(dir_.string(), [](int, const std::string&) {});
  RegionDiscovery once_more;
  EXPECT_EQ(Base(once_more, third), "https://westeurope.thim.example/sgx/certification/v4/");
  EXPECT_EQ(imds_.Requests(), 2u);
}

TEST_F(QplRegionDiscovery, ANamedRegionOrNoAzureConfigurationNeverAsks) {
  Cache cache("", [](int, const std::string&) {});
  Config named = config_;
  named.tdx_collateral_service = "https://eastus.thim.example/sgx/certification/v4/";
  RegionDiscovery d;
  EXPECT_EQ(d.TdxBase(named, cache, [](int, const std::string&) {}), named.tdx_collateral_service);
  Config intel = config_;
  intel.tdx_region_suffix.clear();
  EXPECT_EQ(d.TdxBase(intel, cache, [](int, const std::string&) {}), "");
  EXPECT_EQ(imds_.Requests(), 0u);
}

TEST_F(QplRegionDiscovery, AnInvalidLocationIsRefusedAndNotCached) {
  imds_.SetLocation("evil.example.com/x");
  Cache cache(dir_.string(), [](int, const std::string&) {});
  RegionDiscovery d;
  EXPECT_EQ(Base(d, cache), "");  // collateral_service
  ASSERT_FALSE(log_.empty());
  EXPECT_EQ(log_.back().first, 0);
  EXPECT_NE(log_.back().second.find("not a DNS label"), std::string::npos) << log_.back().second;
  EXPECT_NE(log_.back().second.find(config_.collateral_service), std::string::npos) << log_.back().second;
  EXPECT_EQ(cache.Get(kRegionCacheKey, 0), nullptr);
  // Once per configuration: no second query, no second log line.
  size_t lines = log_.size();
  EXPECT_EQ(Base(d, cache), "");
  EXPECT_EQ(imds_.Requests(), 1u);
  EXPECT_EQ(log_.size(), lines);
  // A tampered cache entry is not trusted either.
  CachedItem item;
  item.type = kRegionCacheType;
  item.expires = INT64_MAX;
  item.fields = {{"region", "evil.com/"}};
  cache.Put(kRegionCacheKey, item);
  imds_.SetLocation("northeurope");
  RegionDiscovery fresh;
  EXPECT_EQ(Base(fresh, cache), "https://northeurope.thim.example/sgx/certification/v4/");
  EXPECT_EQ(imds_.Requests(), 2u);
}

TEST_F(QplRegionDiscovery, ImdsDownOrUnreachableFallsBackQuickly) {
  Cache cache("", [](int, const std::string&) {});
  imds_.SetOutage(true);
  RegionDiscovery d;
  EXPECT_EQ(Base(d, cache), "");
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].second.find("HTTP 500"), std::string::npos) << log_[0].second;
  // Nothing listening: a connection error, well inside the short timeout.
  config_.imds_url = "http://127.0.0.1:1";
  log_.clear();
  RegionDiscovery unreachable;
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Base(unreachable, cache), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].second.find("failed"), std::string::npos);
}

}  // namespace
}  // namespace thim::qpl
