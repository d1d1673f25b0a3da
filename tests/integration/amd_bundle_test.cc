// AMD items in thim bundles, end to end: a connected thimd fetches VCEKs,
// chains and CRLs from the KDS simulator, exports a bundle; a fresh thimd
// that cannot reach KDS imports it and answers THIM's, KDS's and Azure's
// paths byte for byte as the first did. Tampered AMD items are refused by
// name. And the AMD series on /metrics, and the background CRL refresh.
#include <set>
#include <thread>

#include "amd_harness.h"
#include "core/bytes.h"
#include "crypto/public_key.h"

namespace thim::testing {
namespace {

const std::string kAdmin = "admin-token: secret\r\n";

class AmdBundle : public ThimdWithKds {
 protected:
  thimd::Config Connected() {
    thimd::Config c = AmdConfig();
    c.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes("secret")));
    return c;
  }
  // A thimd whose KDS is unreachable (nothing listens on port 1), on a store of its own.
  thimd::Config Offline() {
    thimd::Config c = Connected();
    c.store.path = (dir_ / "offline.db").string();
    c.amd.kds_url = "http://127.0.0.1:1";
    c.amd.max_attempts = 1;
    c.amd.timeout_seconds = 2;
    return c;
  }
  ClientResponse Put(const std::string& target, const std::string& body) {
    TestClient client(app_->port());
    client.SendRaw("PUT " + target + " HTTP/1.1\r\nHost: x\r\n" + kAdmin + "Content-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body);
    return client.Read();
  }
  // Every AMD path a client may ask, with what a thimd answers.
  std::vector<std::string> Paths() {
    std::vector<std::string> paths = {"/metadata/THIM/amd/certification"};
    for (const char* p : {"Milan", "Genoa", "Turin"})
      for (const char* kind : {"vcek", "vlek"})
        for (const char* what : {"cert_chain", "crl"}) paths.push_back(std::string("/") + kind + "/v1/" + p + "/" + what);
    Bytes genoa = sim::SimChipId(amd::Product::kGenoa, 3);
    paths.push_back("/vcek/v1/Genoa/" + HexEncode(genoa) + "?blSPL=10&teeSPL=0&snpSPL=23&ucodeSPL=84");
    paths.push_back("/SevSnpVM/certificates/" + HexEncode(sim::SimChipId(amd::Product::kMilan, 2)) + "/db18000000000004");
    paths.push_back("/metadata/THIM/amd/certification?platformId=" + HexEncode(sim::SimChipId(amd::Product::kMilan, 7)) +
                    "&tcbVersion=db18000000000004");
    return paths;
  }
  std::map<std::string, ClientResponse> Answers() {
    std::map<std::string, ClientResponse> out;
    for (const auto& path : Paths()) out[path] = Thimd(path, kMetadataHeader);
    return out;
  }
};

TEST_F(AmdBundle, ExportImportIntoOfflineThimdAnswersByteIdentically) {
  StartThimd(Connected());
  auto connected = Answers();
  for (const auto& [path, r] : connected) ASSERT_EQ(r.status, 200) << path << " " << r.body;
  auto exported = Thimd("/admin/bundle", kAdmin);
  ASSERT_EQ(exported.status, 200) << exported.body;
  StopThimd();
  auto j = nlohmann::json::parse(exported.body);
  ASSERT_TRUE(j.contains("amd"));
  EXPECT_EQ(j["amd"]["chains"].size(), 6u);  // 3 products x (ASK, ASVK)
  EXPECT_EQ(j["amd"]["crls"].size(), 6u);
  EXPECT_EQ(j["amd"]["vceks"].size(), 4u);  // this node's, Genoa #3, Milan #2, Milan #7

  uint64_t kds_calls = kds_->Stats().vcek_requests + kds_->Stats().chain_requests + kds_->Stats().crl_requests;
  StartThimd(Offline());
  EXPECT_EQ(Thimd("/vcek/v1/Milan/cert_chain").status, 503);  // nothing held, KDS unreachable
  auto imported = Put("/admin/bundle", exported.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  auto report = nlohmann::json::parse(imported.body);
  EXPECT_TRUE(report["rejected"].empty()) << imported.body;
  EXPECT_EQ(report["imported"].size(), 16u) << imported.body;
  for (const auto& [path, want] : connected) {
    auto got = Thimd(path, kMetadataHeader);
    ASSERT_EQ(got.status, 200) << path << " " << got.body;
    EXPECT_EQ(got.body, want.body) << path;
    EXPECT_EQ(got.Header("content-type"), want.Header("content-type")) << path;
  }
  EXPECT_EQ(kds_->Stats().vcek_requests + kds_->Stats().chain_requests + kds_->Stats().crl_requests, kds_calls);
  // The imported items are in the store: a restart without KDS still answers,
  // also in fill mode "offline" (which never contacts KDS at all).
  StopThimd();
  thimd::Config offline = Offline();
  offline.platforms.fill_mode = "offline";
  offline.amd.kds_url = "http://127.0.0.1:" + std::to_string(kds_server_->port());  // reachable, yet not asked
  StartThimd(offline);
  for (const auto& [path, want] : connected) EXPECT_EQ(Thimd(path, kMetadataHeader).body, want.body) << path;
  auto unknown = Thimd("/vcek/v1/Milan/" + HexEncode(sim::SimChipId(amd::Product::kMilan, 40)) +
                       "?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115");
  EXPECT_EQ(unknown.status, 503) << unknown.body;
  EXPECT_NE(unknown.body.find("offline"), std::string::npos) << unknown.body;
  EXPECT_EQ(kds_->Stats().vcek_requests + kds_->Stats().chain_requests + kds_->Stats().crl_requests, kds_calls);
}

TEST_F(AmdBundle, TamperedAmdItemsAreRejectedByName) {
  StartThimd(Connected());
  ASSERT_EQ(Thimd("/metadata/THIM/amd/certification", kMetadataHeader).status, 200);
  ASSERT_EQ(Thimd("/vcek/v1/Milan/crl").status, 200);
  auto j = nlohmann::json::parse(Thimd("/admin/bundle", kAdmin).body);
  StopThimd();
  ASSERT_EQ(j["amd"]["crls"].size(), 1u);
  ASSERT_EQ(j["amd"]["vceks"].size(), 1u);
  // Flip a byte of the CRL's signature and of the VCEK's.
  for (const char* list : {"crls", "vceks"}) {
    Bytes der = *Base64Decode(j["amd"][list][0]["der"].get<std::string>());
    der[der.size() - 3] ^= 0x01;
    j["amd"][list][0]["der"] = Base64Encode(der);
  }
  std::string crl_key = j["amd"]["crls"][0]["key"], vcek_key = j["amd"]["vceks"][0]["key"];
  StartThimd(Offline());
  auto r = Put("/admin/bundle", j.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = nlohmann::json::parse(r.body);
  std::set<std::string> rejected;
  for (const auto& e : report["rejected"]) rejected.insert(e["key"].get<std::string>());
  EXPECT_EQ(rejected, (std::set<std::string>{crl_key, vcek_key})) << r.body;
  EXPECT_EQ(report["imported"].size(), 1u) << r.body;  // the chain
  EXPECT_EQ(Thimd("/vcek/v1/Milan/crl").status, 503);  // the bad CRL was not kept
  EXPECT_EQ(Thimd("/vcek/v1/Milan/cert_chain").status, 200);
  // Malformed (not base64): the whole bundle is refused, naming the field.
  j["amd"]["crls"][0]["der"] = "!!";
  auto malformed = Put("/admin/bundle", j.dump());
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("bundle.amd.crls[0].der"), std::string::npos) << malformed.body;
}

TEST_F(AmdBundle, MetricsAppearAndMove) {
  StartThimd(AmdConfig());
  EXPECT_EQ(Metric("thim_amd_kds_requests_total"), 0);
  EXPECT_NE(Metrics().find("# TYPE thim_amd_kds_requests_total counter"), std::string::npos);
  ASSERT_EQ(Thimd("/metadata/THIM/amd/certification", kMetadataHeader).status, 200);  // chain + VCEK from KDS
  ASSERT_EQ(Thimd("/metadata/THIM/amd/certification", kMetadataHeader).status, 200);  // memory
  ASSERT_EQ(Thimd("/vcek/v1/Milan/crl").status, 200);
  EXPECT_EQ(Metric("thim_amd_kds_requests_total"), 3);
  EXPECT_GE(Metric("thim_amd_vcek_memory_hits_total"), 1);
  EXPECT_EQ(Metric("thim_amd_vceks_in_memory"), 1);
  EXPECT_EQ(Metric(R"(thim_amd_crl_stale{product="Milan",kind="vcek"})"), 0);
  EXPECT_GT(Metric(R"(thim_amd_crl_seconds_until_next_update{product="Milan",kind="vcek"})"), 6 * 86400);
  // KDS throttles (a Retry-After too long to wait out): the 429 is counted as it
  // comes, and the request's final outcome too.
  kds_->SetThrottle(std::chrono::milliseconds(300'000));
  auto throttled = Thimd("/vcek/v1/Milan/" + HexEncode(sim::SimChipId(amd::Product::kMilan, 2)) +
                         "?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115");
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_GE(Metric("thim_amd_kds_429_total"), 1);
  EXPECT_EQ(Metric("thim_amd_kds_throttled_total"), 1);
  EXPECT_GE(Metric("thim_amd_kds_failures_total"), 1);
}

TEST_F(AmdBundle, CrlRefreshedInTheBackgroundAndServedStaleInAnOutage) {
  thimd::Config c = AmdConfig();
  c.amd.refresh_check_seconds = 1;
  c.amd.refresh_retry_min_seconds = 60;
  c.amd.crl_refresh_before_hours = 48;
  StartThimd(c);
  auto first = Thimd("/vcek/v1/Milan/crl");
  ASSERT_EQ(first.status, 200);
  // Six days on (the CRL's nextUpdate is seven days after the sim started), KDS has a new one.
  thimd_clock_.Advance(std::chrono::hours(24 * 5));
  TimePoint issued = thimd_clock_.Now();
  ASSERT_TRUE((*amd_pki_)->ReissueCrl(amd::Product::kMilan, amd::KeyKind::kVcek, issued, issued + std::chrono::hours(24 * 7)).ok());
  thimd_clock_.Advance(std::chrono::hours(24));
  const std::string updated = R"(thim_amd_refresh_total{item="crl",outcome="updated"})";
  for (int i = 0; i < 100 && Metric(updated) < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(Metric(updated), 1);
  uint64_t crl_requests = kds_->Stats().crl_requests;
  auto second = Thimd("/vcek/v1/Milan/crl");
  ASSERT_EQ(second.status, 200);
  Bytes want = (*amd_pki_)->Crl(amd::Product::kMilan, amd::KeyKind::kVcek).der();
  EXPECT_EQ(second.body, std::string(want.begin(), want.end()));
  EXPECT_NE(second.body, first.body);
  EXPECT_EQ(kds_->Stats().crl_requests, crl_requests);  // the request did not go to KDS
  EXPECT_TRUE(second.Header("warning").empty());

  // KDS down past the new CRL's nextUpdate: the refresher fails, the held CRL is served flagged.
  kds_->SetOutage(true);
  thimd_clock_.Advance(std::chrono::hours(24 * 7));
  const std::string failed = R"(thim_amd_refresh_total{item="crl",outcome="failed"})";
  for (int i = 0; i < 100 && Metric(failed) < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_GE(Metric(failed), 1);
  EXPECT_EQ(Metric(R"(thim_amd_crl_stale{product="Milan",kind="vcek"})"), 1);
  auto stale = Thimd("/vcek/v1/Milan/crl");
  ASSERT_EQ(stale.status, 200) << stale.body;
  EXPECT_EQ(stale.body, second.body);
  EXPECT_NE(stale.Header("warning").find("110"), std::string::npos);
  kds_->SetOutage(false);
}

}  // namespace
}  // namespace thim::testing
