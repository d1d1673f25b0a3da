// The "amd" configuration section: defaults, every key, precise errors.
#include <gtest/gtest.h>

#include "thimd/amd_wiring.h"
#include "thimd/config.h"
#include "testdata.h"

namespace thim::thimd {
namespace {

void ExpectAmdError(const std::string& amd, const std::string& where) {
  auto c = ParseConfig(R"({"amd":)" + amd + "}");
  ASSERT_FALSE(c.ok()) << amd;
  EXPECT_NE(c.status().message().find(where), std::string::npos) << c.status().message();
}

TEST(AmdConfig, DefaultsFollowKds) {
  auto c = ParseConfig("{}");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->amd.enabled);
  EXPECT_EQ(c->amd.kds_url, "https://kdsintf.amd.com");
  EXPECT_DOUBLE_EQ(c->amd.rate_per_second, 0.1);  // one VCEK per 10 s
  EXPECT_EQ(c->amd.cache_control_seconds, 86400);
  EXPECT_TRUE(c->amd.node.chip_id.empty());
}

TEST(AmdConfig, EveryKey) {
  auto c = ParseConfig(R"({"amd": {"enabled": true, "kds_url": "http://127.0.0.1:9", "tls_ca_file": "/ca.pem",
    "timeout_seconds": 5, "max_attempts": 2, "rate_per_second": 0.05, "burst": 1, "max_concurrency": 1,
    "max_queue_wait_seconds": 60, "cache_control_seconds": 3600, "ark_files": {"Milan": "/m.pem"},
    "node": {"product": "Genoa", "chip_id": ")" + std::string(128, 'a') + R"(", "reported_tcb": "541700000000000A"}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->amd.node.product, "Genoa");
  EXPECT_EQ(c->amd.ark_files.at("Milan"), "/m.pem");
  auto id = NodeIdentityFrom(c->amd.node);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(id->has_value());
  EXPECT_EQ((*id)->product, amd::Product::kGenoa);
  EXPECT_EQ((*id)->reported_tcb, 0x541700000000000Aull);
}

TEST(AmdConfig, BackgroundRefreshKeys) {
  auto d = ParseConfig("{}");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->amd.refresh_enabled);
  amd::AmdRefreshOptions o = RefreshOptionsFrom(d->amd);
  EXPECT_EQ(o.crl_refresh_before, std::chrono::hours(48));
  EXPECT_EQ(o.chain_refresh_interval, std::chrono::hours(168));
  EXPECT_EQ(o.check_interval, std::chrono::seconds(60));
  auto c = ParseConfig(R"({"amd": {"refresh_enabled": false, "crl_refresh_before_hours": 12.5, "chain_refresh_hours": 24,
    "refresh_check_seconds": 5, "refresh_retry_min_seconds": 10, "refresh_retry_max_seconds": 600}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->amd.refresh_enabled);
  o = RefreshOptionsFrom(c->amd);
  EXPECT_EQ(o.crl_refresh_before, std::chrono::seconds(45000));
  EXPECT_EQ(o.chain_refresh_interval, std::chrono::hours(24));
  EXPECT_EQ(o.check_interval, std::chrono::seconds(5));
  EXPECT_EQ(o.retry_min, std::chrono::seconds(10));
  EXPECT_EQ(o.retry_max, std::chrono::seconds(600));
  ExpectAmdError(R"({"refresh_check_seconds": 0})", "amd.refresh_check_seconds");
  ExpectAmdError(R"({"crl_refresh_before_hours": -1})", "amd.crl_refresh_before_hours");
  ExpectAmdError(R"({"refresh_retry_min_seconds": 100, "refresh_retry_max_seconds": 10})", "amd.refresh_retry_max_seconds");
  ExpectAmdError(R"({"refresh_enabled": "yes"})", "amd.refresh_enabled");
}

TEST(AmdConfig, PreciseErrors) {
  ExpectAmdError(R"({"kds": "x"})", "amd.kds: unknown key");
  ExpectAmdError(R"({"kds_url": "ftp://x"})", "amd.kds_url");
  ExpectAmdError(R"({"rate_per_second": 0})", "amd.rate_per_second");
  ExpectAmdError(R"({"ark_files": {"Siena": "/x"}})", "amd.ark_files.Siena");
  ExpectAmdError(R"({"node": {"product": "Bergamo"}})", "amd.node.product");
  ExpectAmdError(R"({"node": {"product": "Milan", "chip_id": "abc", "reported_tcb": "0000000000000000"}})", "amd.node.chip_id");
  ExpectAmdError(R"({"node": {"product": "Milan"}})", "go together");
  ExpectAmdError(R"({"node": {"colour": "red"}})", "amd.node.colour: unknown key");
}

TEST(AmdConfig, NodeFromReportFile) {
  AmdNodeConfig node{.product = "", .chip_id = "", .reported_tcb = "",
                     .report_file = testing::RealDataPath("trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin")};
  auto id = NodeIdentityFrom(node);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ((*id)->product, amd::Product::kGenoa);  // v3: from CPUID
  EXPECT_EQ(amd::FormatTcbm((*id)->reported_tcb), "541700000000000A");
  node.report_file = testing::RealDataPath("confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin");
  EXPECT_FALSE(NodeIdentityFrom(node).ok());  // v2: product needed
  node.product = "Milan";
  EXPECT_TRUE(NodeIdentityFrom(node).ok());
  node.report_file = "/nonexistent";
  EXPECT_FALSE(NodeIdentityFrom(node).ok());
}

}  // namespace
}  // namespace thim::thimd
