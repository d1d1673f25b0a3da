// PCK certificates through thimd against thim-sim's platforms: selection
// equal to the simulator's own for a matrix of raw TCBs, the THIM JSON form,
// pckcerts, registration and fill modes, TCB recovery, offline export/import.
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "core/bytes.h"
#include "crypto/public_key.h"
#include "harness.h"
#include "wait_until.h"
#include "intel/pck_cert_list.h"

namespace thim::testing {
namespace {

constexpr const char* kAdminToken = "admin secret for platform tests";
constexpr const char* kUserToken = "registration secret";

std::string Sha256Hex(const char* s) { return HexEncode(crypto::Sha256(AsBytes(s))); }

std::string LeHex16(uint16_t v) { return HexEncode(Bytes{static_cast<uint8_t>(v & 0xFF), static_cast<uint8_t>(v >> 8)}, true); }

class Platforms : public ThimdWithSim {
 protected:
  thimd::Config PlatformConfig() {
    auto c = DefaultConfig();
    c.admin.token_sha256 = Sha256Hex(kAdminToken);
    c.admin.user_token_sha256 = Sha256Hex(kUserToken);
    return c;
  }
  ClientResponse Send(const std::string& method, const std::string& target, const std::string& headers = "",
                      const std::string& body = "") {
    TestClient c(app_->port());
    std::string h = headers;
    if (!body.empty() || method == "POST" || method == "PUT")
      h += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    c.SendRaw(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + h + "\r\n" + body);
    return c.Read();
  }
  ClientResponse Admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return Send(method, target, std::string("admin-token: ") + kAdminToken + "\r\n", body);
  }
  // GET pckcert in PCCS's form (what Intel's client library sends).
  ClientResponse PccsPckCert(const sim::SimPlatform& p, const Bytes& cpusvn, uint16_t pcesvn, bool with_ppid = true,
                             const std::string& prefix = "", const std::string& headers = "") {
    std::string ppid = with_ppid && p.cached_keys ? p.encrypted_ppid : std::string(768, '0');
    return Send("GET", prefix + "/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&encrypted_ppid=" + ppid +
                           "&cpusvn=" + HexEncode(cpusvn, true) + "&pcesvn=" + LeHex16(pcesvn) + "&pceid=" + p.pce_id,
                headers);
  }
  // Intel PCS's forms: GET by encrypted PPID, or POST with the manifest.
  ClientResponse PcsPckCert(const sim::SimPlatform& p, const Bytes& cpusvn, uint16_t pcesvn) {
    if (!p.cached_keys) {
      nlohmann::json body{{"platformManifest", p.platform_manifest}, {"cpusvn", HexEncode(cpusvn, true)},
                          {"pcesvn", LeHex16(pcesvn)}, {"pceid", p.pce_id}};
      return Send("POST", "/sgx/certification/v4/pckcert", "", body.dump());
    }
    return Send("GET", "/sgx/certification/v4/pckcert?encrypted_ppid=" + p.encrypted_ppid + "&cpusvn=" + HexEncode(cpusvn, true) +
                           "&pcesvn=" + LeHex16(pcesvn) + "&pceid=" + p.pce_id);
  }
  ClientResponse Register(const sim::SimPlatform& p, const std::string& token = kUserToken, bool with_tcb = true) {
    nlohmann::json body{{"qe_id", p.qe_id}, {"pce_id", p.pce_id}};
    if (!p.cached_keys) {
      body["platform_manifest"] = p.platform_manifest;
    } else {
      body["enc_ppid"] = p.encrypted_ppid;
      auto levels = sim_->PlatformLevels(p);
      body["cpu_svn"] = HexEncode(levels.front().tcb.components, true);
      body["pce_svn"] = LeHex16(levels.front().tcb.pcesvn);
      if (!with_tcb) body.erase("cpu_svn");
    }
    return Send("POST", "/sgx/certification/v4/platforms", "user-token: " + token + "\r\n", body.dump());
  }
  uint64_t SimPckCalls() { return nlohmann::json::parse(Sim("/_sim/stats").body).value("pckCalls", uint64_t{0}); }

  // The raw TCBs of the matrix for one platform: every level, each with a
  // higher PCESVN and a higher first component, and one below every level.
  std::vector<intel::SgxTcb> RawTcbs(const sim::SimPlatform& p) {
    std::vector<intel::SgxTcb> raws;
    for (const auto& level : sim_->PlatformLevels(p)) {
      raws.push_back(level.tcb);
      auto more_pce = level.tcb;
      more_pce.pcesvn++;
      raws.push_back(more_pce);
      auto more_comp = level.tcb;
      more_comp.components[0]++;
      raws.push_back(more_comp);
      if (level.tcb.pcesvn > 0) {
        auto less_pce = level.tcb;
        less_pce.pcesvn--;
        raws.push_back(less_pce);
      }
    }
    raws.push_back(intel::SgxTcb{});  // below every level
    return raws;
  }
};

Bytes Cpusvn(const intel::SgxTcb& t) { return Bytes(t.components.begin(), t.components.end()); }

TEST_F(Platforms, SelectionEqualsTheSimulatorsForEveryPlatformAndRawTcb) {
  StartThimd(PlatformConfig());
  auto fleet = sim_->Platforms();
  ASSERT_GE(fleet.size(), 6u);
  size_t compared = 0, found = 0;
  for (const auto& p : fleet) {
    if (!p.cached_keys) {
      ASSERT_EQ(Register(p).status, 200);  // indirect registration: thimd needs the manifest
    }
    for (const auto& raw : RawTcbs(p)) {
      auto expected = sim_->SelectPck(p, Cpusvn(raw), raw.pcesvn);
      auto got = PccsPckCert(p, Cpusvn(raw), raw.pcesvn);
      std::string what = "platform " + std::to_string(p.index) + " raw " + intel::FormatTcbm(raw.components, raw.pcesvn);
      ++compared;
      if (!expected.ok()) {
        EXPECT_EQ(got.status, 404) << what << ": " << got.body;
        continue;
      }
      ++found;
      ASSERT_EQ(got.status, 200) << what << ": " << got.body;
      EXPECT_EQ(got.body, expected->pem) << what;
      EXPECT_EQ(got.Header("sgx-tcbm"), expected->tcbm) << what;
      EXPECT_EQ(got.Header("sgx-fmspc"), p.fmspc) << what;
      EXPECT_EQ(got.Header("sgx-pck-certificate-ca-type"), p.ca == intel::PckCaType::kProcessor ? "processor" : "platform");
      EXPECT_EQ(got.Header("content-type"), "application/x-pem-file");
      EXPECT_NE(got.Header("sgx-pck-certificate-issuer-chain").find("-----BEGIN%20CERTIFICATE-----"), std::string::npos);
    }
  }
  EXPECT_GT(found, compared / 2);
  // One upstream pckcerts call per platform, however many raw TCBs were asked.
  EXPECT_EQ(SimPckCalls(), fleet.size());
}

TEST_F(Platforms, PcsFormsAndTheThimJsonForm) {
  StartThimd(PlatformConfig());
  auto fleet = sim_->Platforms();
  for (const auto& p : fleet) {
    auto top = sim_->PlatformLevels(p).front().tcb;
    auto expected = sim_->SelectPck(p, Cpusvn(top), top.pcesvn);
    ASSERT_TRUE(expected.ok());
    auto pcs = PcsPckCert(p, Cpusvn(top), top.pcesvn);
    ASSERT_EQ(pcs.status, 200) << pcs.body;
    EXPECT_EQ(pcs.body, expected->pem);
  }
  const auto& p = fleet[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  // THIM's node-local form: JSON body with exactly the keys clients parse.
  auto no_header = PccsPckCert(p, Cpusvn(top), top.pcesvn, true, "/metadata/THIM");
  EXPECT_EQ(no_header.status, 400);
  auto thim = PccsPckCert(p, Cpusvn(top), top.pcesvn, true, "/metadata/THIM", kMetadataHeader);
  ASSERT_EQ(thim.status, 200) << thim.body;
  auto j = nlohmann::ordered_json::parse(thim.body);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"pckCert", "sgx-Pck-Certificate-Issuer-Chain", "sgx-Tcbm", "cacheMaxAge"}));
  EXPECT_EQ(j["pckCert"], sim_->SelectPck(p, Cpusvn(top), top.pcesvn)->pem);
  EXPECT_EQ(j["sgx-Tcbm"], intel::FormatTcbm(top.components, top.pcesvn));
  auto chain = PercentDecode(j["sgx-Pck-Certificate-Issuer-Chain"].get<std::string>());
  ASSERT_TRUE(chain.ok());
  EXPECT_NE(chain->find("-----BEGIN CERTIFICATE-----"), std::string::npos);
}

TEST_F(Platforms, PckCertsKeepsNotAvailableEntriesAndMatchesUpstream) {
  StartThimd(PlatformConfig());
  for (const auto& p : sim_->Platforms()) {
    if (!p.cached_keys) continue;
    std::string query = "?encrypted_ppid=" + p.encrypted_ppid + "&pceid=" + p.pce_id;
    auto got = Send("GET", "/sgx/certification/v4/pckcerts" + query);
    ASSERT_EQ(got.status, 200) << got.body;
    auto entries = intel::ParsePckCertList(got.body);
    ASSERT_TRUE(entries.ok()) << entries.status().ToString();
    auto levels = sim_->PlatformLevels(p);
    ASSERT_EQ(entries->size(), levels.size());
    for (size_t i = 0; i < levels.size(); ++i) {
      EXPECT_EQ((*entries)[i].tcbm, levels[i].tcbm);
      EXPECT_EQ((*entries)[i].cert.has_value(), levels[i].available) << "platform " << p.index << " level " << i;
    }
    if (p.lowest_level_not_available) {
      EXPECT_NE(got.body.find("\"Not available\""), std::string::npos);
    }
    EXPECT_EQ(got.Header("sgx-fmspc"), p.fmspc);
    EXPECT_TRUE(got.Header("sgx-tcbm").empty());  // pckcerts carries no TCBm header
    auto config = Send("GET", "/sgx/certification/v4/pckcerts/config" + query + "&cpusvn=" + levels[0].tcbm.substr(0, 32));
    EXPECT_EQ(config.status, 200);
    EXPECT_EQ(config.body, got.body);
  }
}

TEST_F(Platforms, MalformedRequestsAreRejectedWithTheParameterNamed) {
  StartThimd(PlatformConfig());
  const auto p = sim_->Platforms()[0];
  std::string ok_tail = "&cpusvn=" + std::string(32, '0') + "&pcesvn=0000&pceid=0000";
  struct Case {
    std::string target;
    std::string names;
  };
  const Case cases[] = {
      {"/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&cpusvn=00&pcesvn=0000&pceid=0000", "cpusvn"},
      {"/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&cpusvn=" + std::string(32, '0') + "&pcesvn=0&pceid=0000", "pcesvn"},
      {"/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&cpusvn=" + std::string(32, 'G') + "&pcesvn=0000&pceid=0000", "cpusvn"},
      {"/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&cpusvn=" + std::string(32, '0') + "&pcesvn=0000", "pceid"},
      {"/sgx/certification/v4/pckcert?encrypted_ppid=ABCD" + ok_tail, "encrypted_ppid"},
      {"/sgx/certification/v4/pckcert?encrypted_ppid=" + std::string(768, '0') + ok_tail, "all zeros"},
      {"/sgx/certification/v4/pckcert?" + ok_tail.substr(1), "encrypted_ppid"},
      {"/sgx/certification/v4/pckcert?qeid=" + p.qe_id + "&qeid=" + p.qe_id + ok_tail, "more than once"},
  };
  for (const auto& c : cases) {
    auto r = Send("GET", c.target);
    EXPECT_EQ(r.status, 400) << c.target;
    EXPECT_NE(r.body.find(c.names), std::string::npos) << c.target << " -> " << r.body;
  }
  auto bad_post = Send("POST", "/sgx/certification/v4/pckcert", "", R"({"cpusvn":"00"})");
  EXPECT_EQ(bad_post.status, 400);
  EXPECT_EQ(Send("POST", "/sgx/certification/v4/pckcert", "", "not json").status, 400);
  EXPECT_EQ(SimPckCalls(), 0u);  // nothing malformed reached upstream
}

TEST_F(Platforms, RegistrationNeedsTheUserTokenNotTheAdminToken) {
  StartThimd(PlatformConfig());
  const auto p = sim_->Platforms()[1];
  EXPECT_EQ(Register(p, "").status, 401);
  EXPECT_EQ(Register(p, "wrong").status, 401);
  EXPECT_EQ(Register(p, kAdminToken).status, 401);
  auto r = Register(p);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["certificates"], "cached");
  EXPECT_EQ(j["platform"], p.qe_id + "-" + p.pce_id);
  // Schema: without a manifest, enc_ppid, cpu_svn and pce_svn are required.
  auto missing = Register(p, kUserToken, /*with_tcb=*/false);
  if (p.cached_keys) {
    EXPECT_EQ(missing.status, 400) << missing.body;
  }
  EXPECT_EQ(Send("POST", "/sgx/certification/v4/platforms", std::string("user-token: ") + kUserToken + "\r\n", R"({"qe_id":"AB"})").status,
            400);
}

TEST_F(Platforms, ReqModeServesOnlyRegisteredPlatforms) {
  auto c = PlatformConfig();
  c.platforms.fill_mode = "req";
  StartThimd(c);
  const auto p = sim_->Platforms()[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  auto before = PccsPckCert(p, Cpusvn(top), top.pcesvn);
  EXPECT_EQ(before.status, 461) << before.body;
  EXPECT_EQ(SimPckCalls(), 0u);
  ASSERT_EQ(Register(p).status, 200);
  EXPECT_EQ(SimPckCalls(), 1u);
  auto after = PccsPckCert(p, Cpusvn(top), top.pcesvn);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.body, sim_->SelectPck(p, Cpusvn(top), top.pcesvn)->pem);
  EXPECT_EQ(SimPckCalls(), 1u);
}

TEST_F(Platforms, OfflineModeNeverContactsUpstream) {
  auto c = PlatformConfig();
  c.platforms.fill_mode = "offline";
  StartThimd(c);
  const auto p = sim_->Platforms()[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  EXPECT_EQ(PccsPckCert(p, Cpusvn(top), top.pcesvn).status, 461);
  ASSERT_EQ(Register(p).status, 200);  // queued, not fetched
  EXPECT_EQ(PccsPckCert(p, Cpusvn(top), top.pcesvn).status, 461);
  EXPECT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=" + p.fmspc).status, 503);
  EXPECT_EQ(nlohmann::json::parse(Sim("/_sim/stats").body)["total"], 0);
}

TEST_F(Platforms, UpstreamFailuresAndTamperingAreNotCached) {
  StartThimd(PlatformConfig());
  const auto p = sim_->Platforms()[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  // The CRLs first (tampering would spoil them too): this test is about the certificates.
  for (const auto& ca : {"processor", "platform"}) ASSERT_EQ(Thimd(std::string("/sgx/certification/v4/pckcrl?ca=") + ca).status, 200);
  ASSERT_EQ(Thimd("/sgx/certification/v4/tcb?fmspc=" + p.fmspc + "&update=early").status, 200);
  SimControl("/_sim/tamper?kind=bad_signature");
  auto bad = PccsPckCert(p, Cpusvn(top), top.pcesvn);
  EXPECT_EQ(bad.status, 502) << bad.body;
  EXPECT_NE(bad.body.find("failed validation"), std::string::npos) << bad.body;
  SimControl("/_sim/tamper?kind=none");
  SimControl("/_sim/outage?enabled=1");
  auto down = PccsPckCert(p, Cpusvn(top), top.pcesvn);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_FALSE(down.Header("retry-after").empty());
  SimControl("/_sim/outage?enabled=0");
  auto ok = PccsPckCert(p, Cpusvn(top), top.pcesvn);
  ASSERT_EQ(ok.status, 200) << ok.body;
  // Cached now: served while upstream is down.
  SimControl("/_sim/outage?enabled=1");
  EXPECT_EQ(PccsPckCert(p, Cpusvn(top), top.pcesvn).status, 200);
}

TEST_F(Platforms, TcbRecoveryIsPickedUpWithoutOperatorAction) {
  auto c = PlatformConfig();
  c.platforms.check_interval_seconds = 1;
  StartThimd(c);
  const auto p = sim_->Platforms()[0];
  auto old_top = sim_->PlatformLevels(p).front().tcb;
  ASSERT_EQ(PccsPckCert(p, Cpusvn(old_top), old_top.pcesvn).status, 200);
  ASSERT_EQ(SimPckCalls(), 1u);

  // Intel publishes a TCB recovery: a new evaluation number with a higher level.
  SimControl("/_sim/new-eval-number");
  auto new_top = sim_->PlatformLevels(p).front().tcb;
  ASSERT_NE(new_top, old_top);
  // The platform's microcode update raises its raw TCB to the new level: thimd
  // sees a raw TCB above every certificate it holds and fetches again (once
  // the minimum re-fetch interval has passed).
  thimd_clock_.Advance(std::chrono::hours(2));
  auto r = PccsPckCert(p, Cpusvn(new_top), new_top.pcesvn);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("sgx-tcbm"), intel::FormatTcbm(new_top.components, new_top.pcesvn));
  EXPECT_EQ(r.body, sim_->SelectPck(p, Cpusvn(new_top), new_top.pcesvn)->pem);
  EXPECT_EQ(SimPckCalls(), 2u);
}

TEST_F(Platforms, NewEvaluationNumberRefetchesPlatformsInTheBackground) {
  auto c = PlatformConfig();
  c.platforms.check_interval_seconds = 1;
  StartThimd(c);
  const auto p = sim_->Platforms()[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  ASSERT_EQ(PccsPckCert(p, Cpusvn(top), top.pcesvn).status, 200);
  ASSERT_EQ(SimPckCalls(), 1u);
  SimControl("/_sim/new-eval-number");
  // thimd learns the new TCB info (its own refresher would, at nextUpdate; an
  // operator-independent trigger here is the admin refresh of the TCB info).
  ASSERT_EQ(Admin("POST", "/admin/refresh?kind=tcb_info").status, 200);
  thimd_clock_.Advance(std::chrono::minutes(5));
  WaitUntil([&] { return SimPckCalls() >= 2; });
  EXPECT_EQ(SimPckCalls(), 2u);
  auto new_top = sim_->PlatformLevels(p).front().tcb;
  // The new certificate is there before any client asks for it: served with upstream down.
  SimControl("/_sim/outage?enabled=1");
  auto r = PccsPckCert(p, Cpusvn(new_top), new_top.pcesvn);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("sgx-tcbm"), intel::FormatTcbm(new_top.components, new_top.pcesvn));
}

TEST_F(Platforms, CertificatesAreRefetchedPeriodically) {
  auto c = PlatformConfig();
  c.platforms.check_interval_seconds = 1;
  c.platforms.refetch_interval_hours = 24;
  StartThimd(c);
  const auto p = sim_->Platforms()[0];
  auto top = sim_->PlatformLevels(p).front().tcb;
  ASSERT_EQ(PccsPckCert(p, Cpusvn(top), top.pcesvn).status, 200);
  ASSERT_EQ(SimPckCalls(), 1u);
  thimd_clock_.Advance(std::chrono::hours(23));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(SimPckCalls(), 1u);  // not due yet
  thimd_clock_.Advance(std::chrono::hours(2));
  WaitUntil([&] { return SimPckCalls() >= 2; });
  EXPECT_EQ(SimPckCalls(), 2u);
  // The sim counts the call when it arrives; thimd stores the answer after validating it.
  std::string expected = FormatRfc3339(std::chrono::floor<std::chrono::seconds>(thimd_clock_.Now()));
  nlohmann::json platform;
  WaitUntil([&] {
    platform = nlohmann::json::parse(Admin("GET", "/admin/platform?id=" + p.qe_id + "-" + p.pce_id).body);
    return platform["certificatesFetchedAt"] == expected;
  });
  EXPECT_EQ(platform["certificatesFetchedAt"], expected) << platform.dump();
}

TEST_F(Platforms, RegistrationExportImportIntoAnOfflineThimdGivesTheSameAnswers) {
  StartThimd(PlatformConfig());
  auto fleet = sim_->Platforms();
  for (const auto& p : fleet) ASSERT_EQ(Register(p).status, 200) << p.index;
  // The collateral clients also need, so the bundle carries it.
  for (const auto& ca : {"processor", "platform"}) ASSERT_EQ(Thimd(std::string("/sgx/certification/v4/pckcrl?ca=") + ca).status, 200);
  std::map<std::string, ClientResponse> answers;
  for (const auto& p : fleet)
    for (const auto& level : sim_->PlatformLevels(p)) {
      auto r = PccsPckCert(p, Cpusvn(level.tcb), level.tcb.pcesvn, /*with_ppid=*/false);
      answers[p.qe_id + level.tcbm] = r;
    }
  auto bundle = Admin("GET", "/admin/bundle");
  ASSERT_EQ(bundle.status, 200);
  EXPECT_NE(bundle.body.find("\"platforms\""), std::string::npos);
  StopThimd();

  // A fresh, air-gapped thimd.
  std::filesystem::remove(dir_ / "thim.db");
  sim_server_->Stop();
  auto c = PlatformConfig();
  c.platforms.fill_mode = "offline";
  StartThimd(c);
  auto import = Admin("PUT", "/admin/bundle", bundle.body);
  ASSERT_EQ(import.status, 200) << import.body;
  auto report = nlohmann::json::parse(import.body);
  EXPECT_TRUE(report["rejected"].empty()) << import.body;
  for (const auto& p : fleet)
    for (const auto& level : sim_->PlatformLevels(p)) {
      auto r = PccsPckCert(p, Cpusvn(level.tcb), level.tcb.pcesvn, /*with_ppid=*/false);
      const auto& before = answers[p.qe_id + level.tcbm];
      EXPECT_EQ(r.status, before.status) << p.index << " " << level.tcbm;
      EXPECT_EQ(r.body, before.body);
      EXPECT_EQ(r.Header("sgx-tcbm"), before.Header("sgx-tcbm"));
    }
  // Importing the same bundle again changes nothing; an older copy of a platform is refused.
  auto again = nlohmann::json::parse(Admin("PUT", "/admin/bundle", bundle.body).body);
  EXPECT_TRUE(again["rejected"].empty()) << again.dump();
}

TEST_F(Platforms, ImportRejectsTamperedCertificates) {
  StartThimd(PlatformConfig());
  const auto p = sim_->Platforms()[0];
  ASSERT_EQ(Register(p).status, 200);
  auto bundle = nlohmann::json::parse(Admin("GET", "/admin/bundle").body);
  ASSERT_EQ(bundle["platforms"].size(), 1u);
  auto certs = Base64Decode(bundle["platforms"][0]["pckCerts"].get<std::string>());
  ASSERT_TRUE(certs.ok());
  std::string text(certs->begin(), certs->end());
  // Swap the FMSPC headers' claim: a certificate list for another platform id.
  auto other = sim_->Platforms()[3];
  ASSERT_EQ(Admin("DELETE", "/admin/platforms?id=" + p.qe_id + "-" + p.pce_id).status, 200);
  bundle["platforms"][0]["pceId"] = "0100";  // certificates say PCE-ID 0000
  bundle["platforms"][0]["certsFetchedAt"] = 1;
  auto r = Admin("PUT", "/admin/bundle", bundle.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = nlohmann::json::parse(r.body);
  ASSERT_EQ(report["rejected"].size(), 1u) << r.body;
  EXPECT_NE(report["rejected"][0]["reason"].get<std::string>().find("PCE-ID"), std::string::npos) << r.body;
  (void)other;
}

TEST_F(Platforms, AdminListsRefreshesAndDeletesPlatforms) {
  StartThimd(PlatformConfig());
  auto fleet = sim_->Platforms();
  ASSERT_EQ(Register(fleet[0]).status, 200);
  ASSERT_EQ(Register(fleet[2]).status, 200);
  auto list = nlohmann::json::parse(Admin("GET", "/admin/platforms").body);
  ASSERT_EQ(list["count"], 2);
  std::string id = fleet[0].qe_id + "-" + fleet[0].pce_id;
  auto one = Admin("GET", "/admin/platform?id=" + id);
  ASSERT_EQ(one.status, 200);
  auto j = nlohmann::json::parse(one.body);
  EXPECT_EQ(j["fmspc"], fleet[0].fmspc);
  EXPECT_EQ(j["certificates"].size(), sim_->PlatformLevels(fleet[0]).size());
  EXPECT_EQ(list["platforms"][0].count("encryptedPpid"), 0u);  // identities stay in the store
  uint64_t calls = SimPckCalls();
  auto refresh = Admin("POST", "/admin/refresh?platform=" + id);
  ASSERT_EQ(refresh.status, 200) << refresh.body;
  EXPECT_EQ(nlohmann::json::parse(refresh.body)["refreshed"][0]["ok"], true);
  EXPECT_EQ(SimPckCalls(), calls + 1);
  auto all = nlohmann::json::parse(Admin("POST", "/admin/refresh?kind=platforms").body);
  EXPECT_EQ(all["refreshed"].size(), 2u);
  ASSERT_EQ(Admin("DELETE", "/admin/platforms?id=" + id).status, 200);
  EXPECT_EQ(nlohmann::json::parse(Admin("GET", "/admin/platforms").body)["count"], 1);
  EXPECT_EQ(Admin("GET", "/admin/platform?id=" + id).status, 404);
}

TEST_F(Platforms, ImpactReportListsPlatformsThatTheCandidateDegrades) {
  auto c = PlatformConfig();
  c.baselines.default_baseline = "lag:1";  // evaluation number 16 while Intel's standard is 17
  StartThimd(c);
  auto fleet = sim_->Platforms();
  // Platform 0 stays at the top level of number 16 (UpToDate there, not under
  // 17); platform 1 is at the newest level (UpToDate everywhere).
  auto levels0 = sim_->PlatformLevels(fleet[0]);
  const intel::SgxTcb* old_top = nullptr;
  for (const auto& l : levels0)
    if (l.tcb.components[0] == 10 && l.tcb.pcesvn == 13 && !old_top) old_top = &l.tcb;
  ASSERT_NE(old_top, nullptr);
  ASSERT_EQ(PccsPckCert(fleet[0], Cpusvn(*old_top), old_top->pcesvn).status, 200);
  auto top1 = sim_->PlatformLevels(fleet[1]).front().tcb;
  ASSERT_EQ(PccsPckCert(fleet[1], Cpusvn(top1), top1.pcesvn).status, 200);

  auto r = Admin("GET", "/admin/baselines/impact?baseline=standard");
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = nlohmann::json::parse(r.body);
  EXPECT_EQ(report["candidate"], "standard");
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& e : report["platforms"]) by_id[e["id"].get<std::string>()] = e;
  auto p0 = by_id[fleet[0].qe_id + "-" + fleet[0].pce_id];
  EXPECT_EQ(p0["current"], "UpToDate") << r.body;
  EXPECT_EQ(p0["candidate"], "SWHardeningNeeded");
  EXPECT_EQ(p0["change"], "degraded");
  auto p1 = by_id[fleet[1].qe_id + "-" + fleet[1].pce_id];
  EXPECT_EQ(p1["current"], "UpToDate");
  EXPECT_EQ(p1["candidate"], "UpToDate");
  EXPECT_EQ(p1["change"], "unchanged");
  EXPECT_GE(report["summary"]["degraded"].get<int>(), 1);
  bool fmspc_reported = false;
  for (const auto& f : report["fmspcs"])
    if (f["fmspc"] == fleet[0].fmspc) {
      fmspc_reported = true;
      EXPECT_EQ(f["current"]["evaluationDataNumber"], 16);
      EXPECT_EQ(f["candidate"]["evaluationDataNumber"], 17);
      EXPECT_FALSE(f["degradedLevels"].empty());
    }
  EXPECT_TRUE(fmspc_reported);
  EXPECT_EQ(Admin("GET", "/admin/baselines/impact?baseline=bogus").status, 400);
  EXPECT_EQ(Admin("GET", "/admin/baselines/impact").status, 400);
}

TEST_F(Platforms, TenantsAndFloorAreManagedThroughTheAdminApi) {
  StartThimd(PlatformConfig());
  ASSERT_EQ(Admin("PUT", "/admin/tenants?tenant=contoso&baseline=eval:16").status, 200);
  EXPECT_EQ(Admin("PUT", "/admin/tenants?tenant=contoso&baseline=nope").status, 400);
  auto tenants = nlohmann::json::parse(Admin("GET", "/admin/tenants").body);
  EXPECT_EQ(tenants["tenants"]["contoso"], "eval:16");
  auto r = Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&clientid=contoso");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("thim-tcb-evaluation-data-number"), "16");
  ASSERT_EQ(Admin("PUT", "/admin/floor?value=17").status, 200);
  auto floored = Thimd("/sgx/certification/v4/tcb?fmspc=00906ED50000&clientid=contoso");
  ASSERT_EQ(floored.status, 200);
  EXPECT_EQ(floored.Header("thim-tcb-evaluation-data-number"), "17");  // never below the floor
  EXPECT_EQ(Admin("PUT", "/admin/floor?value=-1").status, 400);
  ASSERT_EQ(Admin("DELETE", "/admin/tenants?tenant=contoso").status, 200);
  EXPECT_EQ(Admin("DELETE", "/admin/tenants?tenant=contoso").status, 404);
}

TEST_F(Platforms, AdminActionsAreLoggedButTokensNeverAre) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(logger);
  StartThimd(PlatformConfig());
  spdlog::set_default_logger(logger);  // App::Start may have installed its own
  const auto p = sim_->Platforms()[0];
  ASSERT_EQ(Register(p).status, 200);
  EXPECT_EQ(Register(p, "not-the-user-token").status, 401);
  ASSERT_EQ(Admin("GET", "/admin/platforms").status, 200);
  ASSERT_EQ(Admin("PUT", "/admin/floor?value=0").status, 200);
  EXPECT_EQ(Send("GET", "/admin/platforms", "admin-token: wrong-admin-token\r\n").status, 401);
  StopThimd();
  spdlog::set_default_logger(previous);
  std::string log = captured.str();
  EXPECT_NE(log.find("admin: list platforms"), std::string::npos) << log;
  EXPECT_NE(log.find("admin: set floor"), std::string::npos) << log;
  EXPECT_NE(log.find("admin: refused"), std::string::npos) << log;
  EXPECT_NE(log.find("registration of platform"), std::string::npos) << log;
  EXPECT_NE(log.find("registration refused"), std::string::npos) << log;
  for (const char* secret : {kAdminToken, kUserToken, "wrong-admin-token", "not-the-user-token"})
    EXPECT_EQ(log.find(secret), std::string::npos) << "logged: " << secret;
}

}  // namespace
}  // namespace thim::testing
