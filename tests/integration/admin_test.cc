// The admin API: authentication, cache status, refresh, baselines.
#include "core/bytes.h"
#include "crypto/public_key.h"
#include "harness.h"
#include "server/admin_api.h"

namespace thim::testing {
namespace {

class AdminApi : public ThimdWithSim {
 protected:
  void StartWithToken() {
    auto config = DefaultConfig();
    config.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes(kToken)));
    StartThimd(config);
  }
  ClientResponse Call(const std::string& method, const std::string& target, const std::string& token, const std::string& body = "") {
    TestClient c(app_->port());
    std::string headers = token.empty() ? "" : "admin-token: " + token + "\r\n";
    if (!body.empty()) headers += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    c.SendRaw(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body);
    return c.Read();
  }
  static constexpr const char* kToken = "correct horse battery staple";
};

TEST_F(AdminApi, EveryRouteRequiresTheToken) {
  StartWithToken();
  const std::pair<std::string, std::string> routes[] = {
      {"GET", "/admin/cache"}, {"POST", "/admin/refresh"}, {"GET", "/admin/baselines"}, {"PUT", "/admin/baselines"}};
  for (const auto& [method, path] : routes) {
    for (const std::string& token : {std::string(), std::string("wrong"), std::string(kToken) + "x"}) {
      auto r = Call(method, path, token, method == "PUT" ? R"({"default":"early"})" : "");
      EXPECT_EQ(r.status, 401) << method << " " << path << " token=" << token;
      EXPECT_EQ(r.body, R"({"error":"Unauthenticated","message":"authentication required"})");
    }
  }
}

TEST_F(AdminApi, DisabledWithoutAConfiguredToken) {
  StartThimd();
  EXPECT_EQ(Call("GET", "/admin/cache", kToken).status, 401);
}

TEST_F(AdminApi, CacheStatusRefreshAndBaselines) {
  StartWithToken();
  ASSERT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000").status, 200);
  auto cache = Call("GET", "/admin/cache", kToken);
  ASSERT_EQ(cache.status, 200) << cache.body;
  auto j = nlohmann::json::parse(cache.body);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["items"][0]["key"], "intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard");
  EXPECT_EQ(j["items"][0]["evaluationDataNumber"], 17);
  EXPECT_EQ(j["items"][0]["stale"], false);

  uint64_t before = SimCount("/sgx/certification/v4/tcb");
  auto refreshed = Call("POST", "/admin/refresh?kind=tcb_info", kToken);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(nlohmann::json::parse(refreshed.body)["refreshed"][0]["ok"], true);
  EXPECT_EQ(SimCount("/sgx/certification/v4/tcb"), before + 1);
  EXPECT_EQ(Call("POST", "/admin/refresh?key=not-a-key", kToken).status, 400);

  auto set = Call("PUT", "/admin/baselines", kToken, R"({"default":"lag:1","floor":16,"tenants":{"contoso":"early"}})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000").Header("thim-tcb-evaluation-data-number"), "16");
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&clientid=contoso").Header("thim-tcb-evaluation-data-number"), "18");
  auto got = nlohmann::json::parse(Call("GET", "/admin/baselines", kToken).body);
  EXPECT_EQ(got["default"], "lag:1");
  EXPECT_EQ(got["floor"], 16);
  EXPECT_EQ(Call("PUT", "/admin/baselines", kToken, R"({"default":"newest"})").status, 400);
  EXPECT_EQ(Call("PUT", "/admin/baselines", kToken, R"({"defualt":"early"})").status, 400);
  EXPECT_EQ(Call("PUT", "/admin/baselines", kToken, "not json").status, 400);
}

TEST(AdminToken, ConstantTimeHashComparison) {
  std::string hash = HexEncode(crypto::Sha256(AsBytes("s3cret")));
  EXPECT_TRUE(server::TokenMatches("s3cret", hash));
  EXPECT_FALSE(server::TokenMatches("s3cret ", hash));
  EXPECT_FALSE(server::TokenMatches("", hash));
  EXPECT_FALSE(server::TokenMatches("s3cret", "zz"));
  EXPECT_FALSE(server::TokenMatches("s3cret", ""));
}

}  // namespace
}  // namespace thim::testing
