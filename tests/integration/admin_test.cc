// The admin API: authentication, cache status, refresh, baselines.
#include "core/bytes.h"
#include "crypto/public_key.h"
#include "harness.h"
#include "testdata.h"
#include "cli/bundle_commands.h"
#include "server/admin_api.h"
#include "wait_until.h"

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
      {"GET", "/admin/cache"},        {"POST", "/admin/refresh"},        {"GET", "/admin/baselines"},
      {"PUT", "/admin/baselines"},    {"GET", "/admin/bundle"},          {"PUT", "/admin/bundle"},
      {"GET", "/admin/platforms"},    {"GET", "/admin/platform?id=x"},   {"DELETE", "/admin/platforms?id=x"},
      {"GET", "/admin/tenants"},      {"PUT", "/admin/tenants?tenant=a&baseline=early"}, {"DELETE", "/admin/tenants?tenant=a"},
      {"PUT", "/admin/floor?value=1"}, {"GET", "/admin/baselines/impact?baseline=early"},
      {"POST", "/admin/refresh?platform=x"},
      {"PUT", "/sgx/certification/v4/platformcollateral"}, {"PUT", "/sgx/certification/v3/platformcollateral"}};
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

// Slow requests run on a bounded pool: beyond its queue they are refused at
// once with 503 + Retry-After, never given a thread each.
TEST_F(AdminApi, SlowRequestsBeyondTheQueueGet503WithRetryAfter) {
  auto config = DefaultConfig();
  config.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes(kToken)));
  config.server.blocking_threads = 1;
  config.server.blocking_queue = 1;
  StartThimd(config);
  ASSERT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000").status, 200);
  EXPECT_NE(Metrics().find("\nthim_blocking_queue_depth 0"), std::string::npos) << Metrics();
  SimControl("/_sim/latency?ms=1500");
  const std::string refresh = "POST /admin/refresh?kind=tcb_info HTTP/1.1\r\nHost: x\r\nadmin-token: " + std::string(kToken) + "\r\n\r\n";
  uint64_t before = SimCount("/sgx/certification/v4/tcb");
  TestClient running(app_->port()), queued(app_->port()), refused(app_->port());
  running.SendRaw(refresh);  // takes the one thread and waits on the slow upstream
  ASSERT_TRUE(WaitUntil([&] { return SimCount("/sgx/certification/v4/tcb") == before + 1; }));
  queued.SendRaw(refresh);  // waits in the queue
  ASSERT_TRUE(WaitUntil([&] { return Metric("thim_blocking_queue_depth") == 1; }));
  refused.SendRaw(refresh);
  auto r = refused.Read();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.Header("retry-after"), "1");
  EXPECT_NE(r.body.find("too many slow requests"), std::string::npos) << r.body;
  EXPECT_EQ(running.Read().status, 200);
  EXPECT_EQ(queued.Read().status, 200);
  EXPECT_EQ(Metric("thim_blocking_refused_total"), 1);
  EXPECT_EQ(Metric("thim_blocking_queue_depth"), 0);
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
  EXPECT_EQ(j["items"][0]["source"], "upstream");
  EXPECT_EQ(j["items"][0]["lastRefresh"]["outcome"], "ok: updated");
  // After the refresh (same document from the sim): the outcome says so.
  auto after = nlohmann::json::parse(Call("GET", "/admin/cache", kToken).body);
  EXPECT_EQ(after["items"][0]["lastRefresh"]["outcome"], "ok: unchanged") << after.dump();
  // A failed refresh keeps the copy and reports the failure.
  SimControl("/_sim/outage?enabled=1");
  Call("POST", "/admin/refresh?kind=tcb_info", kToken);
  auto failed = nlohmann::json::parse(Call("GET", "/admin/cache", kToken).body);
  EXPECT_EQ(failed["items"][0]["lastRefresh"]["outcome"].get<std::string>().rfind("failed: ", 0), 0u) << failed.dump();
  SimControl("/_sim/outage?enabled=0");
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

namespace thim::testing {
namespace {

TEST_F(AdminApi, BundleExportImportIntoAFreshOfflineThimd) {
  StartWithToken();
  const std::vector<std::string> targets = {"/sgx/certification/v4/tcb?fmspc=00906ED50000&update=standard",
                                            "/tdx/certification/v4/qe/identity?update=standard",
                                            "/sgx/certification/v4/pckcrl?ca=platform&encoding=der", "/IntelSGXRootCA.der"};
  std::vector<std::string> bodies;
  for (const auto& t : targets) {
    auto r = Thimd(t);
    ASSERT_EQ(r.status, 200) << t;
    bodies.push_back(r.body);
  }
  auto bundle = Call("GET", "/admin/bundle", kToken);
  ASSERT_EQ(bundle.status, 200);
  auto j = nlohmann::json::parse(bundle.body);
  EXPECT_EQ(j["format"], "thim-bundle");
  EXPECT_EQ(j["items"].size(), targets.size());

  // A fresh thimd, empty store, upstream gone: import, then serve the same bytes.
  StopThimd();
  sim_server_->Stop();
  std::filesystem::remove(dir_ / "thim.db");
  auto config = DefaultConfig();
  config.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes(kToken)));
  config.store.path = (dir_ / "offline.db").string();
  StartThimd(config);
  auto imported = Call("PUT", "/admin/bundle", kToken, bundle.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  auto result = nlohmann::json::parse(imported.body);
  EXPECT_EQ(result["imported"].size(), targets.size()) << imported.body;
  EXPECT_TRUE(result["rejected"].empty()) << imported.body;
  for (size_t i = 0; i < targets.size(); ++i) EXPECT_EQ(Thimd(targets[i]).body, bodies[i]) << targets[i];

  // Tampered items are rejected one by one; malformed bundles as a whole.
  auto tampered = nlohmann::json::parse(bundle.body);
  for (auto& item : tampered["items"]) {
    Bytes raw = *Base64Decode(item["body"].get<std::string>());
    raw[raw.size() / 2] ^= 0x01;
    item["body"] = Base64Encode(raw);
  }
  auto bad = Call("PUT", "/admin/bundle", kToken, tampered.dump());
  ASSERT_EQ(bad.status, 200) << bad.body;
  auto bad_result = nlohmann::json::parse(bad.body);
  EXPECT_TRUE(bad_result["imported"].empty()) << bad.body;
  EXPECT_EQ(bad_result["rejected"].size(), targets.size());
  for (size_t i = 0; i < targets.size(); ++i) EXPECT_EQ(Thimd(targets[i]).body, bodies[i]) << "kept after a bad import";
  EXPECT_EQ(Call("PUT", "/admin/bundle", kToken, R"({"format":"other","version":1,"items":[]})").status, 400);
  EXPECT_EQ(Call("PUT", "/admin/bundle", kToken, R"({"format":"thim-bundle","version":1,"items":[{"key":"x"}]})").status, 400);
  EXPECT_EQ(Call("GET", "/admin/bundle", "").status, 401);
}

}  // namespace
}  // namespace thim::testing

namespace thim::testing {
namespace {

TEST_F(AdminApi, CliExportAndImportThroughTheAdminApi) {
  StartWithToken();
  ASSERT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&update=standard").status, 200);
  std::string url = "http://127.0.0.1:" + std::to_string(app_->port());
  auto bundle = cli::ExportBundle(url, kToken, "");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(cli::ExportBundle(url, "wrong", "").status().code(), StatusCode::kUnauthenticated);
  auto report = cli::ImportBundle(url, kToken, "", *bundle);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_NE(report->find("\"rejected\":[]"), std::string::npos) << *report;
}

}  // namespace
}  // namespace thim::testing

namespace thim::testing {
namespace {

// PCCS's offline file carries TCB infos and identities as parsed JSON: the
// import must rebuild Intel's exact bytes (proved here on real Intel data,
// whose signatures only verify over the original bytes).
TEST_F(AdminApi, ImportsPccsPlatformCollateralsRebuildingIntelsBytes) {
  auto real = [](const char* rel) { return *ReadFileString(RealDataPath(rel)); };
  using ojson = nlohmann::ordered_json;
  ojson tcbinfos = ojson::array();
  tcbinfos.push_back(ojson{{"fmspc", "00906ED50000"},
                      {"sgx_tcbinfo", ojson::parse(real("teepot/extracted/sgx_tcb_info_00906ED50000.body"))},
                      {"sgx_tcbinfo_early", ojson::parse(real("teepot/extracted/sgx_tcb_info_early.body"))}});
  tcbinfos.push_back(ojson{{"fmspc", "00806F050000"}, {"tdx_tcbinfo", ojson::parse(real("teepot/extracted/tdx_tcb_info.body"))}});
  std::string signing_chain = PercentEncode(real("teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem"));
  ojson file = {
      {"platforms", ojson::array({{{"qe_id", "00"}, {"pce_id", "0000"}}})},
      {"collaterals",
       {{"version", 4},
        {"pck_certs", ojson::array()},
        {"tcbinfos", tcbinfos},
        {"pckcacrl", {{"processorCrl", HexEncode(*ReadFileBytes(RealDataPath("teepot/extracted/pck_crl_processor_der.der")))}}},
        {"qeidentity", real("teepot/extracted/sgx_qe_identity.body")},
        {"tdqeidentity", ojson::parse(real("teepot/extracted/tdx_qe_identity.body"))},
        {"qveidentity", real("teepot/extracted/sgx_qve_identity.body")},
        {"certificates",
         {{"SGX-PCK-Certificate-Issuer-Chain", {{"PROCESSOR", PercentEncode(real("teepot/extracted/pck_crl_processor_der.chain.pem"))}}},
          {"TCB-Info-Issuer-Chain", signing_chain},
          {"SGX-Enclave-Identity-Issuer-Chain", signing_chain}}},
        {"rootcacrl", HexEncode(*ReadFileBytes(RealDataPath("go-tdx-guest/testing/testdata/rootcrl.der")))}}}};

  auto config = DefaultConfig();
  config.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes(kToken)));
  config.intel.root_ca_file.clear();  // the real Intel SGX Root CA
  config.baselines.default_baseline = "standard";
  thimd_clock_.Set(*ParseRfc3339("2025-06-01T00:00:00Z"));  // inside the real documents' validity
  StartThimd(config);
  sim_server_->Stop();  // offline

  auto r = Call("PUT", "/sgx/certification/v4/platformcollateral", kToken, file.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = nlohmann::json::parse(r.body);
  EXPECT_EQ(report["imported"].size(), 8u) << r.body;  // 7 documents and the platform record
  EXPECT_NE(r.body.find("platform/00-0000"), std::string::npos) << r.body;
  ASSERT_EQ(report["rejected"].size(), 1u) << r.body;  // the 2023 root CA CRL has expired by 2025-06
  EXPECT_EQ(report["rejected"][0]["key"], "intel/rootcacrl");
  EXPECT_EQ(report["skipped"].size(), 0u);

  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000").body, real("teepot/extracted/sgx_tcb_info_00906ED50000.body"));
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&update=early").body, real("teepot/extracted/sgx_tcb_info_early.body"));
  EXPECT_EQ(Thimd("/tdx/certification/v4/tcb?fmspc=00806F050000").body, real("teepot/extracted/tdx_tcb_info.body"));
  EXPECT_EQ(Thimd("/tdx/certification/v4/qe/identity").body, real("teepot/extracted/tdx_qe_identity.body"));
  EXPECT_EQ(Thimd("/sgx/certification/v4/qe/identity").body, real("teepot/extracted/sgx_qe_identity.body"));
  EXPECT_EQ(Thimd("/sgx/certification/v4/pckcrl?ca=processor&encoding=der").body,
            real("teepot/extracted/pck_crl_processor_der.der"));

  // A document altered in the round trip (here: pretty-printed key order kept,
  // but a value changed) is refused: its signature no longer verifies.
  file["collaterals"]["tcbinfos"][1]["tdx_tcbinfo"]["tcbInfo"]["tcbType"] = 0;
  file["collaterals"]["tcbinfos"][1]["tdx_tcbinfo"]["tcbInfo"]["tcbEvaluationDataNumber"] = 18;
  auto altered = Call("PUT", "/sgx/certification/v4/platformcollateral", kToken, file.dump());
  auto altered_report = nlohmann::json::parse(altered.body);
  bool tdx_rejected = false;
  for (const auto& rej : altered_report["rejected"])
    if (rej["key"] == "intel/v4/tdx/tcb?fmspc=00806F050000&update=standard") tdx_rejected = true;
  EXPECT_TRUE(tdx_rejected) << altered.body;
  EXPECT_EQ(Call("PUT", "/sgx/certification/v4/platformcollateral", "", file.dump()).status, 401);
  EXPECT_EQ(Call("PUT", "/sgx/certification/v4/platformcollateral", kToken, "{}").status, 400);
}

}  // namespace
}  // namespace thim::testing
