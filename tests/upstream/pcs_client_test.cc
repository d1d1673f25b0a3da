#include "upstream/pcs_client.h"

#include <gtest/gtest.h>

#include "upstream/fake_http_client.h"

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;

TEST(PcsPathTest, KeyOnlyOnPckCertificateAndPackageEndpoints) {
  for (const char* p : {"/sgx/certification/v4/pckcert?encrypted_ppid=00&cpusvn=00&pcesvn=0B00&pceid=0000",
                        "/sgx/certification/v4/pckcerts?encrypted_ppid=00&pceid=0000",
                        "/sgx/certification/v4/pckcerts/config?encrypted_ppid=00&pceid=0000&cpusvn=00",
                        "/sgx/certification/v3/pckcert", "/sgx/certification/v4/pckcerts/",
                        "/sgx/registration/v1/package"}) {
    EXPECT_TRUE(PcsPathTakesSubscriptionKey(p)) << p;
  }
  for (const char* p : {"/sgx/certification/v4/tcb?fmspc=00906ED50000", "/tdx/certification/v4/tcb?fmspc=00",
                        "/sgx/certification/v4/qe/identity", "/sgx/certification/v4/pckcrl?ca=processor",
                        "/sgx/certification/v4/fmspcs", "/sgx/registration/v1/platform",
                        "/sgx/certification/v4/pckcertsX", "/x/sgx/certification/v4/pckcert",
                        "/sgx/certification/v4/tcb?x=/sgx/certification/v4/pckcert"}) {
    EXPECT_FALSE(PcsPathTakesSubscriptionKey(p)) << p;
  }
}

class PcsClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<PcsClient> Make(std::string key, std::string base_url = std::string(kPcsDefaultBaseUrl)) {
    UpstreamConfig c = PcsClient::DefaultConfig();
    c.api_key = std::move(key);
    c.base_url = std::move(base_url);
    c.jitter_seed = 1;
    auto r = PcsClient::Create(std::move(c), http_, clock_, sleeper_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  bool SentKey(size_t i) { return http_->requests().at(i).headers.Has(kPcsSubscriptionKeyHeader); }

  FakeClock clock_{FromUnixSeconds(1'767'225'600)};
  FakeSleeper sleeper_{&clock_};
  std::shared_ptr<FakeHttpClient> http_ = std::make_shared<FakeHttpClient>();
};

TEST_F(PcsClientTest, DefaultsPointAtProductionPcs) {
  UpstreamConfig c = PcsClient::DefaultConfig();
  EXPECT_EQ(c.base_url, "https://api.trustedservices.intel.com");
  EXPECT_EQ(c.request_id_header, "Request-ID");
  EXPECT_TRUE(c.api_key.empty());
  EXPECT_TRUE(c.verify_tls);
  EXPECT_TRUE(ValidateUpstreamConfig(c).ok());
}

TEST_F(PcsClientTest, NoKeyHeaderWhenKeyEmptyOrBlank) {
  for (const char* key : {"", "   "}) {
    auto pcs = Make(key);
    EXPECT_FALSE(pcs->has_api_key());
    http_->EnqueueResponse(200);
    ASSERT_TRUE(pcs->Get("/sgx/certification/v4/pckcerts?encrypted_ppid=00&pceid=0000").ok());
    EXPECT_FALSE(SentKey(http_->request_count() - 1)) << "key '" << key << "'";
  }
}

TEST_F(PcsClientTest, KeyHeaderOnlyOnEndpointsThatTakeIt) {
  auto pcs = Make(" secret-key ");
  http_->EnqueueResponse(200);
  http_->EnqueueResponse(200);
  http_->EnqueueResponse(200);
  ASSERT_TRUE(pcs->Get("/sgx/certification/v4/pckcert?encrypted_ppid=00&cpusvn=00&pcesvn=0000&pceid=0000").ok());
  ASSERT_TRUE(pcs->Get("/sgx/certification/v4/tcb?fmspc=00906ED50000").ok());
  ASSERT_TRUE(pcs->Post("/sgx/certification/v4/pckcerts", R"({"platformManifest":"00","pceid":"0000"})").ok());
  const auto reqs = http_->requests();
  EXPECT_EQ(reqs[0].headers.Get(kPcsSubscriptionKeyHeader), "secret-key");  // trimmed
  EXPECT_FALSE(reqs[1].headers.Has(kPcsSubscriptionKeyHeader));
  EXPECT_EQ(reqs[2].headers.Get(kPcsSubscriptionKeyHeader), "secret-key");
  EXPECT_EQ(reqs[2].method, HttpMethod::kPost);
  EXPECT_EQ(reqs[2].headers.Get("content-type"), "application/json");
  EXPECT_EQ(reqs[2].body, R"({"platformManifest":"00","pceid":"0000"})");
  EXPECT_EQ(reqs[1].url, "https://api.trustedservices.intel.com/sgx/certification/v4/tcb?fmspc=00906ED50000");
}

TEST_F(PcsClientTest, EarlyAccessHostGetsTheKeyEverywhere) {
  auto pcs = Make("k", "https://validation.api.trustedservices.intel.com/");
  http_->EnqueueResponse(200);
  ASSERT_TRUE(pcs->Get("/sgx/certification/v4/tcb?fmspc=00906ED50000").ok());
  EXPECT_TRUE(SentKey(0));
}

TEST_F(PcsClientTest, FinalErrorsAreReturnedWithIntelHeaders) {
  auto pcs = Make("");
  http_->EnqueueResponse(404, "", {{"Request-ID", "0123456789abcdef0123456789abcdef"}});
  http_->EnqueueResponse(400, "", {{"Error-Code", "InvalidRequestSyntax"}, {"Error-Message", "bad\r\ninjected"}});
  auto r = pcs->Get("/sgx/certification/v4/tcb?fmspc=FFFFFFFFFFFF");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->request_id, "0123456789abcdef0123456789abcdef");
  auto r2 = pcs->Get("/sgx/certification/v4/pckcert?encrypted_ppid=zz");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->status, 400);
  EXPECT_EQ(r2->headers.Get("error-code"), "InvalidRequestSyntax");
  auto s = pcs->Stats();
  EXPECT_EQ(s.final_4xx, 2u);
}

TEST_F(PcsClientTest, PersistentRateLimitSurfacesRetryAfter) {
  auto pcs = Make("");
  http_->EnqueueResponse(429, "", {{"Retry-After", "120"}});
  CallInfo info;
  auto r = pcs->Get("/sgx/certification/v4/pckcerts?encrypted_ppid=00&pceid=0000", &info);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("120"), std::string::npos);
  EXPECT_EQ(info.retry_after, std::chrono::seconds(120));
}

}  // namespace
}  // namespace thim::upstream
