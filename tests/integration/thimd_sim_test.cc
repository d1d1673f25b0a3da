// thimd in front of thim-sim: the behaviours issue #3 asks for, end to end.
#include <atomic>
#include <map>
#include <thread>

#include "harness.h"
#include "wait_until.h"

namespace thim::testing {
namespace {

const std::string kSgxTcb = "/sgx/certification/v4/tcb?fmspc=00906ED50000";

TEST_F(ThimdWithSim, EveryEndpointServesTheUpstreamBytes) {
  StartThimd();
  const std::pair<std::string, std::string> cases[] = {
      {kSgxTcb, "TCB-Info-Issuer-Chain"},
      {"/sgx/certification/v4/tcb?fmspc=00906ed50000&update=early", "TCB-Info-Issuer-Chain"},
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&tcbEvaluationDataNumber=16", "TCB-Info-Issuer-Chain"},
      {"/tdx/certification/v4/tcb?fmspc=00806F050000", "TCB-Info-Issuer-Chain"},
      {"/sgx/certification/v4/qe/identity", "SGX-Enclave-Identity-Issuer-Chain"},
      {"/sgx/certification/v4/qve/identity", "SGX-Enclave-Identity-Issuer-Chain"},
      {"/sgx/certification/v4/qae/identity", "SGX-Enclave-Identity-Issuer-Chain"},
      {"/tdx/certification/v4/qe/identity?update=early", "SGX-Enclave-Identity-Issuer-Chain"},
      {"/sgx/certification/v4/tcbevaluationdatanumbers", "TCB-Evaluation-Data-Numbers-Issuer-Chain"},
      {"/tdx/certification/v4/tcbevaluationdatanumbers", "TCB-Evaluation-Data-Numbers-Issuer-Chain"},
      {"/sgx/certification/v4/pckcrl?ca=processor", "SGX-PCK-CRL-Issuer-Chain"},
      {"/sgx/certification/v4/pckcrl?ca=platform&encoding=der", "SGX-PCK-CRL-Issuer-Chain"},
      {"/sgx/certification/v4/fmspcs", ""},
      {"/sgx/certification/v3/tcb?fmspc=00906ED50000", "SGX-TCB-Info-Issuer-Chain"},
      {"/sgx/certification/v3/qe/identity", "SGX-Enclave-Identity-Issuer-Chain"},
  };
  for (const auto& [target, chain_header] : cases) {
    auto via_thimd = Thimd(target);
    ASSERT_EQ(via_thimd.status, 200) << target << ": " << via_thimd.body;
    auto direct = Sim(target);
    EXPECT_EQ(via_thimd.body, direct.body) << target;  // byte-exact
    std::string lower = chain_header;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!chain_header.empty()) {
      EXPECT_EQ(via_thimd.Header(lower), direct.Header(lower)) << target;
      EXPECT_TRUE(via_thimd.Header(lower).ends_with("%0A")) << target;
    }
    EXPECT_EQ(via_thimd.Header("content-type"), direct.Header("content-type")) << target;
    EXPECT_NE(via_thimd.Header("cache-control").find("max-age="), std::string::npos) << target;
    EXPECT_FALSE(via_thimd.Header("etag").empty()) << target;
  }
  // The PCCS extras.
  auto root_crl = Thimd("/IntelSGXRootCA.der");
  ASSERT_EQ(root_crl.status, 200);
  EXPECT_EQ(root_crl.body, Sim("/IntelSGXRootCA.der").body);
  auto hex = Thimd("/sgx/certification/v4/rootcacrl");
  EXPECT_EQ(hex.body, HexEncode(AsBytes(root_crl.body)));
  auto by_uri = Thimd("/sgx/certification/v4/crl?uri=https%3A%2F%2Fcertificates.trustedservices.intel.com%2FIntelSGXRootCA.der");
  EXPECT_EQ(by_uri.body, root_crl.body);
  auto pck_by_uri = Thimd("/sgx/certification/v4/crl?uri=https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl%3Fca%3Dplatform%26encoding%3Dder");
  EXPECT_EQ(pck_by_uri.body, Sim("/sgx/certification/v4/pckcrl?ca=platform&encoding=der").body);
}

TEST_F(ThimdWithSim, V3AndV4HeaderNames) {
  StartThimd();
  auto v4 = Thimd(kSgxTcb);
  auto v3 = Thimd("/sgx/certification/v3/tcb?fmspc=00906ED50000");
  EXPECT_FALSE(v4.Header("tcb-info-issuer-chain").empty());
  EXPECT_TRUE(v4.Header("sgx-tcb-info-issuer-chain").empty());
  EXPECT_FALSE(v3.Header("sgx-tcb-info-issuer-chain").empty());
  EXPECT_TRUE(v3.Header("tcb-info-issuer-chain").empty());
  EXPECT_NE(v3.body.find("\"version\":2"), std::string::npos);
  EXPECT_NE(v4.body.find("\"version\":3"), std::string::npos);
}

TEST_F(ThimdWithSim, RetiredV3IsGoneWithWarningUnlessStored) {
  StartThimd();
  auto stored = Thimd("/sgx/certification/v3/tcb?fmspc=00906ED50000");
  ASSERT_EQ(stored.status, 200);
  SimControl("/_sim/v3-retired?enabled=1");
  EXPECT_EQ(Thimd("/sgx/certification/v3/tcb?fmspc=00906ED50000").status, 200);  // what we stored keeps being served
  auto gone = Thimd("/sgx/certification/v3/tcb?fmspc=00606A000000");
  EXPECT_EQ(gone.status, 410);
  EXPECT_FALSE(gone.Header("warning").empty());
  EXPECT_NE(gone.body.find("\"error\":\"OutOfRange\""), std::string::npos);
}

TEST_F(ThimdWithSim, MetadataPrefixRequiresTheHeader) {
  StartThimd();
  std::string target = "/metadata/THIM/sgx/certification/v4/tcb?fmspc=00906ED50000&api-version=2021-07-22-preview&clientid=x";
  auto without = Thimd(target);
  EXPECT_EQ(without.status, 400);
  EXPECT_NE(without.body.find("Metadata"), std::string::npos);
  EXPECT_EQ(Thimd(target, "Metadata: false\r\n").status, 400);
  auto with = Thimd(target, "Metadata: True\r\n");
  ASSERT_EQ(with.status, 200);
  EXPECT_EQ(with.body, Thimd(kSgxTcb).body);
  // THIM's CRL form: the distribution point, double-encoded as Azure's client sends it.
  auto crl = Thimd("/metadata/THIM/sgx/certification/v4/pckcrl?uri=https%253a%252f%252fcertificates.trustedservices.intel.com%252fintelsgxrootca.crl",
                   "metadata: true\r\n");
  EXPECT_EQ(crl.status, 200) << crl.body;
  EXPECT_EQ(crl.body, Thimd("/IntelSGXRootCA.der").body);
}

TEST_F(ThimdWithSim, RestartServesFromTheStoreWithUpstreamGone) {
  StartThimd();
  auto first = Thimd(kSgxTcb);
  ASSERT_EQ(first.status, 200);
  StopThimd();
  sim_server_->Stop();  // upstream gone entirely
  StartThimd();
  auto again = Thimd(kSgxTcb);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  // Something never fetched: upstream unavailable and nothing cached.
  auto missing = Thimd("/sgx/certification/v4/tcb?fmspc=00606A000000");
  EXPECT_EQ(missing.status, 503);
  EXPECT_FALSE(missing.Header("retry-after").empty());
  EXPECT_NE(missing.body.find("\"error\":\"Unavailable\""), std::string::npos);
}

TEST_F(ThimdWithSim, OutageServesStaleFlaggedThenPolicyApplies) {
  auto config = DefaultConfig();
  config.cache.stale_grace_hours = 24;
  config.cache.past_grace = "unavailable";
  StartThimd(config);
  auto fresh = Thimd(kSgxTcb);
  ASSERT_EQ(fresh.status, 200);
  EXPECT_TRUE(fresh.Header("warning").empty());
  SimControl("/_sim/outage?enabled=1");
  // A month later the document is past its nextUpdate and refreshes fail.
  thimd_clock_.Advance(std::chrono::hours(24 * 30 + 2));
  auto stale = Thimd(kSgxTcb);
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, fresh.body);
  EXPECT_NE(stale.Header("warning").find("110"), std::string::npos) << stale.Header("warning");
  EXPECT_EQ(stale.Header("cache-control"), "max-age=0");
  EXPECT_GE(Metric("thim_cache_lookups_total{result=\"stale\"}"), 1);
  // Past the grace window the configured policy answers 503.
  thimd_clock_.Advance(std::chrono::hours(48));
  auto past = Thimd(kSgxTcb);
  EXPECT_EQ(past.status, 503);
  EXPECT_FALSE(past.Header("retry-after").empty());
}

TEST_F(ThimdWithSim, TamperedRefreshesAreRejectedAndTheLastGoodKept) {
  StartThimd();
  auto good = Thimd(kSgxTcb);
  ASSERT_EQ(good.status, 200);
  for (const char* kind : {"bad_signature", "wrong_fmspc", "older_issue_date", "foreign_root"}) {
    SimControl(std::string("/_sim/tamper?kind=") + kind);
    uint64_t before = SimCount("/sgx/certification/v4/tcb");
    // Past the refresh interval: the refresher fetches again and gets tampered bytes.
    thimd_clock_.Advance(std::chrono::hours(14));
    sim_clock_.Advance(std::chrono::hours(14));
    WaitUntil([&] { return SimCount("/sgx/certification/v4/tcb") != before; });
    ASSERT_GT(SimCount("/sgx/certification/v4/tcb"), before) << kind << ": no refresh happened";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto served = Thimd(kSgxTcb);
    EXPECT_EQ(served.status, 200) << kind;
    EXPECT_EQ(served.body, good.body) << kind << ": the last good item must be kept";
    // A miss answered with tampered bytes is refused outright (each kind asks
    // for a document nobody fetched before).
    std::map<std::string, std::string> miss_target = {
        {"bad_signature", "fmspc=00606A000000&tcbEvaluationDataNumber=16"},
        {"wrong_fmspc", "fmspc=00606A000000&tcbEvaluationDataNumber=17"},
        {"older_issue_date", "fmspc=30806F040000&tcbEvaluationDataNumber=16"},
        {"foreign_root", "fmspc=00606A000000&tcbEvaluationDataNumber=18"}};
    auto miss = Thimd("/sgx/certification/v4/tcb?" + miss_target[kind]);
    if (std::string(kind) == "older_issue_date") {
      EXPECT_EQ(miss.status, 200) << "an older document is still a valid one when nothing newer is held";
    } else {
      EXPECT_EQ(miss.status, 502) << kind << ": " << miss.body.substr(0, 300);
      EXPECT_NE(miss.body.find("DataLoss"), std::string::npos) << kind;
    }
    SimControl("/_sim/tamper?kind=none");
  }
  std::string metrics = Metrics();
  EXPECT_NE(metrics.find("thim_validation_rejected_total{kind=\"tcb_info\""), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("thim_rollback_rejected_total{kind=\"tcb_info\"}"), std::string::npos);
}

TEST_F(ThimdWithSim, RetryAfterOn429IsRespected) {
  StartThimd();
  SimControl("/_sim/force?status=429&retry_after=1&count=1");
  auto start = std::chrono::steady_clock::now();
  auto r = Thimd(kSgxTcb);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GE(took, std::chrono::milliseconds(950));
  EXPECT_EQ(SimCount("/sgx/certification/v4/tcb"), 2u);  // the 429, then one retry after the advised second
  // A Retry-After longer than thimd will wait: 429 to the client with the advice.
  SimControl("/_sim/force?status=429&retry_after=600&count=5");
  auto limited = Thimd("/sgx/certification/v4/tcb?fmspc=00606A000000");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.Header("retry-after"), "600");
}

TEST_F(ThimdWithSim, TwoHundredConcurrentRequestsMakeOneUpstreamRequest) {
  StartThimd();
  SimControl("/_sim/latency?ms=300");
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  std::vector<std::string> bodies(200);
  for (int i = 0; i < 200; ++i)
    clients.emplace_back([&, i] {
      auto r = Thimd("/tdx/certification/v4/tcb?fmspc=50806F000000");
      if (r.status == 200) ++ok;
      bodies[static_cast<size_t>(i)] = r.body;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(SimCount("/tdx/certification/v4/tcb"), 1u);
  for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]);
}

TEST_F(ThimdWithSim, NewEvaluationNumberIsDiscovered) {
  auto config = DefaultConfig();
  config.cache.warmup.identities_and_crls = true;
  StartThimd(config);
  auto early = Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&update=early");
  EXPECT_NE(early.body.find("\"tcbEvaluationDataNumber\":18"), std::string::npos);
  SimControl("/_sim/new-eval-number");
  thimd_clock_.Advance(std::chrono::hours(14));
  sim_clock_.Advance(std::chrono::hours(14));
  EXPECT_TRUE(WaitUntil([&] { return Metric("thim_new_evaluation_numbers_total") >= 1; }));
  std::string body;
  WaitUntil([&] {
    body = Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&update=early").body;
    return body.find("\"tcbEvaluationDataNumber\":19") != std::string::npos;
  });
  EXPECT_NE(body.find("\"tcbEvaluationDataNumber\":19"), std::string::npos);
  // The standard baseline does not move.
  EXPECT_NE(Thimd(kSgxTcb).body.find("\"tcbEvaluationDataNumber\":17"), std::string::npos);
}

TEST_F(ThimdWithSim, ConditionalRequestsHealthAndMetrics) {
  StartThimd();
  auto r = Thimd(kSgxTcb);
  auto again = Thimd(kSgxTcb, "If-None-Match: " + r.Header("etag") + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(Thimd("/healthz").status, 200);
  EXPECT_EQ(Thimd("/readyz").status, 200);
  std::string m = Metrics();
  for (const char* name : {"thim_http_requests_total{route=\"sgx_v4_tcb\",status=\"200\"}", "thim_cache_lookups_total{result=\"hit\"}",
                           "thim_cache_lookups_total{result=\"miss\"}", "thim_upstream_fetches_total{kind=\"tcb_info\",outcome=\"200\"}",
                           "thim_cache_items", "thim_cache_oldest_item_age_seconds", "thim_cache_seconds_until_next_update",
                           "thim_http_request_duration_seconds_bucket", "thim_blocking_queue_depth 0", "thim_blocking_refused_total 0"})
    EXPECT_NE(m.find(name), std::string::npos) << name;
}

TEST_F(ThimdWithSim, NegativeCachingOfUpstream404) {
  StartThimd();
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=AAAAAAAAAAAA").status, 404);
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=AAAAAAAAAAAA").status, 404);
  EXPECT_EQ(SimCount("/sgx/certification/v4/tcb"), 1u);
  // Newer than the newest number → 404; older than the oldest → 410 (Intel's codes).
  EXPECT_EQ(Thimd("/sgx/certification/v4/qe/identity?tcbEvaluationDataNumber=99").status, 404);
  EXPECT_EQ(Thimd("/sgx/certification/v4/qe/identity?tcbEvaluationDataNumber=3").status, 410);
}

}  // namespace
}  // namespace thim::testing

namespace thim::testing {
namespace {

TEST_F(ThimdWithSim, BadInputsGetTheRightStatus) {
  StartThimd();
  const std::pair<std::string, int> cases[] = {
      {"/sgx/certification/v4/tcb", 400},                                            // missing fmspc
      {"/sgx/certification/v4/tcb?fmspc=00906ED5000", 400},                         // short
      {"/sgx/certification/v4/tcb?fmspc=00906ED5000Z", 400},                         // not hex
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&fmspc=00906ED50000", 400},      // duplicate
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&update=early&tcbEvaluationDataNumber=17", 400},
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&update=sometimes", 400},
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&tcbEvaluationDataNumber=-3", 400},
      {"/sgx/certification/v4/tcb?fmspc=%ZZ", 400},                                  // bad escape
      {"/sgx/certification/v4/tcb?fmspc=" + std::string(5000, 'A'), 400},            // oversized value
      {"/sgx/certification/v4/pckcrl", 400},
      {"/sgx/certification/v4/pckcrl?ca=root", 400},
      {"/sgx/certification/v4/pckcrl?ca=platform&encoding=base64", 400},
      {"/sgx/certification/v4/crl", 400},
      {"/sgx/certification/v4/crl?uri=https://evil.example/x.crl", 400},
      {"/sgx/certification/v3/tcbevaluationdatanumbers", 404},
      {"/tdx/certification/v4/qve/identity", 404},
      {"/sgx/certification/v5/tcb?fmspc=00906ED50000", 404},
      {"/nope", 404},
      {"/", 404},
      {"/sgx/certification/v4/tcb?fmspc=00906ED50000&clientid=x&api-version=1&customParameter=abc", 200},  // unknown ones ignored
  };
  for (const auto& [target, status] : cases) {
    auto r = Thimd(target);
    EXPECT_EQ(r.status, status) << target.substr(0, 120) << ": " << r.body.substr(0, 200);
    if (status >= 400) {
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      EXPECT_TRUE(j.is_object() && j.contains("error") && j.contains("message")) << target.substr(0, 120);
    }
  }
  // Methods, huge headers, garbage, slow clients: the server stays up.
  {
    TestClient c(app_->port());
    EXPECT_EQ(c.Get(kSgxTcb, "", "DELETE").status, 405);
  }
  {
    TestClient c(app_->port());
    EXPECT_EQ(c.Get(kSgxTcb, "X-Huge: " + std::string(64 * 1024, 'h') + "\r\n").status, 431);
  }
  {
    TestClient c(app_->port());
    c.SendRaw("\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n");
    EXPECT_EQ(c.Read().status, 400);
  }
  EXPECT_EQ(Thimd(kSgxTcb).status, 200);
}

TEST_F(ThimdWithSim, SlowClientsDoNotHoldTheServer) {
  auto config = DefaultConfig();
  config.server.read_timeout_seconds = 1;
  config.server.idle_timeout_seconds = 1;
  StartThimd(config);
  std::vector<std::unique_ptr<TestClient>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<TestClient>(app_->port()));
    slow.back()->SendRaw("GET /sgx/certification/v4/tcb?fmspc=00906ED50000 HTTP/1.1\r\nHost: x\r\n");  // never finished
  }
  EXPECT_EQ(Thimd(kSgxTcb).status, 200);  // others are served meanwhile
  for (auto& c : slow) EXPECT_TRUE(c->WaitClosed(std::chrono::milliseconds(4000)));
}

}  // namespace
}  // namespace thim::testing

namespace thim::testing {
namespace {

TEST_F(ThimdWithSim, ChainsAreCheckedAgainstTheRootCaCrl) {
  StartThimd();
  SimControl("/_sim/revoke?what=tcb_signer");
  ASSERT_EQ(Thimd("/IntelSGXRootCA.der").status, 200);  // thimd now holds a root CRL listing the signer
  auto tcb = Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000");
  EXPECT_EQ(tcb.status, 502) << tcb.body;
  EXPECT_NE(tcb.body.find("revoked"), std::string::npos) << tcb.body;
  EXPECT_EQ(Thimd("/sgx/certification/v4/qe/identity").status, 502);
}

TEST_F(ThimdWithSim, PckCrlOfARevokedCaIsRejected) {
  StartThimd();
  SimControl("/_sim/revoke?what=platform_ca");
  ASSERT_EQ(Thimd("/IntelSGXRootCA.der").status, 200);
  auto platform = Thimd("/sgx/certification/v4/pckcrl?ca=platform");
  EXPECT_EQ(platform.status, 502) << platform.body;
  EXPECT_NE(platform.body.find("revoked"), std::string::npos) << platform.body;
  EXPECT_EQ(Thimd("/sgx/certification/v4/pckcrl?ca=processor").status, 200);
}

}  // namespace
}  // namespace thim::testing
