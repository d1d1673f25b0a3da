// thim-sim's simulated SGX platforms and the PCK endpoints (reference
// intel-pcs-pccs.md §1.4 P1–P6), exercised over HTTP on loopback the way a
// cache (thimd, PCCS) calls Intel PCS.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "crypto/chain.h"
#include "crypto/rsa_oaep.h"
#include "intel/pck_certificate.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "sim/pcs_simulator.h"
#include "sim/pki/key_cache.h"
#include "testdata.h"

namespace thim::sim {
namespace {

using intel::SgxTcb;
using thim::testing::ClientResponse;
using thim::testing::TestClient;

std::string PcesvnHex(uint16_t pcesvn) { return HexEncode(Bytes{static_cast<uint8_t>(pcesvn & 0xFF), static_cast<uint8_t>(pcesvn >> 8)}, true); }
Bytes Cpusvn(const SgxTcb& tcb) { return Bytes(tcb.components.begin(), tcb.components.end()); }

class SimPlatforms : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new IntelPki(*IntelPki::Create(thim::testing::At("2025-01-01T00:00:00Z")));
    key_ = new crypto::PrivateKey(*SimRsaKey(crypto::kPpidEncryptionKeyBits));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete key_;
  }

  void SetUp() override { Start(Options()); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  static PcsSimOptions Options() {
    PcsSimOptions o;
    o.ppid_key = *key_;
    return o;
  }
  void Start(PcsSimOptions options) {
    if (server_) server_->Stop();
    sim_ = std::make_unique<PcsSimulator>(*pki_, std::move(options), clock_);
    auto router = std::make_shared<server::Router>();
    sim_->AddRoutes(*router);
    server::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    server_ = std::make_unique<server::HttpServer>(o, router, nullptr);
    ASSERT_TRUE(server_->Start().ok());
    platforms_ = sim_->Platforms();
  }

  ClientResponse Get(const std::string& target) {
    TestClient c(server_->port());
    return c.Get(target);
  }
  ClientResponse Post(const std::string& target, const std::string& body) {
    TestClient c(server_->port());
    c.SendRaw("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body);
    return c.Read();
  }
  void Control(const std::string& target) {
    TestClient c(server_->port());
    ASSERT_EQ(c.Get(target, "", "POST").status, 200) << target;
  }
  nlohmann::json Stats() { return nlohmann::json::parse(Get("/_sim/stats").body); }

  const SimPlatform& Platform(size_t i) const { return platforms_.at(i); }
  static std::string GetPckCert(const SimPlatform& p, const SgxTcb& raw, const std::string& v = "v4") {
    return "/sgx/certification/" + v + "/pckcert?encrypted_ppid=" + p.encrypted_ppid + "&cpusvn=" + HexEncode(Cpusvn(raw), true) +
           "&pcesvn=" + PcesvnHex(raw.pcesvn) + "&pceid=" + p.pce_id;
  }
  static std::string GetPckCerts(const SimPlatform& p) {
    return "/sgx/certification/v4/pckcerts?encrypted_ppid=" + p.encrypted_ppid + "&pceid=" + p.pce_id;
  }
  static std::string ManifestBody(const SimPlatform& p, const SgxTcb* raw, bool with_pcesvn) {
    nlohmann::json j = {{"platformManifest", p.platform_manifest}, {"pceid", p.pce_id}};
    if (raw) j["cpusvn"] = HexEncode(Cpusvn(*raw), true);
    if (raw && with_pcesvn) j["pcesvn"] = PcesvnHex(raw->pcesvn);
    return j.dump();
  }

  // Checks a pckcert answer against the simulator's own selection.
  void ExpectSelects(const SimPlatform& p, const SgxTcb& raw, const ClientResponse& r) {
    auto expected = sim_->SelectPck(p, Cpusvn(raw), raw.pcesvn);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, expected->pem);
    EXPECT_EQ(r.Header("sgx-tcbm"), expected->tcbm);
    EXPECT_EQ(r.Header("content-type"), "application/x-pem-file");
    EXPECT_EQ(r.Header("sgx-fmspc"), p.fmspc);
    EXPECT_EQ(r.Header("sgx-pck-certificate-ca-type"), intel::PckCaTypeName(p.ca));
    EXPECT_FALSE(r.Header("request-id").empty());
    auto cert = crypto::Certificate::FromPem(r.body);
    ASSERT_TRUE(cert.ok());
    auto pck = intel::ParsePckCertificate(*cert);
    ASSERT_TRUE(pck.ok()) << pck.status().ToString();
    EXPECT_EQ(pck->Tcbm(), expected->tcbm);
    EXPECT_TRUE(intel::TcbNotAbove(pck->tcb, raw));
    ExpectChainsToRoot(*cert, r.Header("sgx-pck-certificate-issuer-chain"));
  }

  void ExpectChainsToRoot(const crypto::Certificate& leaf, const std::string& chain_header) {
    ASSERT_NE(chain_header.find("-----BEGIN%20CERTIFICATE-----"), std::string::npos);  // URL-encoded, as PCS sends it
    auto chain = crypto::ParseCertificateList(chain_header);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    ASSERT_EQ(chain->size(), 2u);
    std::vector<crypto::Certificate> full = {leaf};
    full.insert(full.end(), chain->begin(), chain->end());
    auto verified = crypto::VerifyChain(full, pki_->root().cert, {.at = clock_.Now()});
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
  }

  // Checks every entry of a pckcerts body against the platform and its levels.
  void ExpectPckCertsBody(const SimPlatform& p, const ClientResponse& r) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/json");
    EXPECT_EQ(r.Header("sgx-fmspc"), p.fmspc);
    EXPECT_EQ(r.Header("sgx-pck-certificate-ca-type"), intel::PckCaTypeName(p.ca));
    EXPECT_EQ(r.Header("sgx-tcbm"), "");  // pckcerts carries no SGX-TCBm
    EXPECT_EQ(r.body.rfind(R"([{"tcb":{"sgxtcbcomp01svn":)", 0), 0u) << "Intel's member order";
    auto body = nlohmann::json::parse(r.body);
    std::vector<SimPckLevel> levels = sim_->PlatformLevels(p);
    ASSERT_EQ(body.size(), levels.size());
    for (size_t i = 0; i < levels.size(); ++i) {
      SCOPED_TRACE("level " + std::to_string(i));
      const auto& entry = body[i];
      ASSERT_EQ(entry.size(), 3u);
      SgxTcb tcb;
      ASSERT_EQ(entry["tcb"].size(), 17u);
      for (int c = 0; c < 16; ++c) {
        char name[32];
        std::snprintf(name, sizeof name, "sgxtcbcomp%02dsvn", c + 1);
        tcb.components[c] = entry["tcb"][name].get<uint8_t>();
      }
      tcb.pcesvn = entry["tcb"]["pcesvn"].get<uint16_t>();
      EXPECT_EQ(tcb, levels[i].tcb);
      EXPECT_EQ(entry["tcbm"], levels[i].tcbm);
      EXPECT_EQ(entry["tcbm"], intel::FormatTcbm(Cpusvn(tcb), tcb.pcesvn));
      if (!levels[i].available) {
        EXPECT_EQ(entry["cert"], "Not available");
        continue;
      }
      auto pem = PercentDecode(entry["cert"].get<std::string>());
      ASSERT_TRUE(pem.ok());
      auto cert = crypto::Certificate::FromPem(*pem);
      ASSERT_TRUE(cert.ok());
      auto pck = intel::ParsePckCertificate(*cert);
      ASSERT_TRUE(pck.ok()) << pck.status().ToString();
      EXPECT_EQ(pck->tcb, tcb);
      EXPECT_EQ(pck->cpusvn, Cpusvn(tcb));  // tcbType 0
      EXPECT_EQ(pck->Tcbm(), entry["tcbm"]);
      EXPECT_EQ(pck->ppid, p.ppid);
      EXPECT_EQ(pck->FmspcHex(), p.fmspc);
      EXPECT_EQ(pck->PceIdHex(), p.pce_id);
      EXPECT_EQ(pck->ca_type, p.ca);
      if (p.ca == intel::PckCaType::kPlatform) {
        ASSERT_TRUE(pck->platform_instance_id && pck->configuration);
        EXPECT_EQ(*pck->platform_instance_id, p.platform_instance_id);
        EXPECT_EQ(pck->configuration->cached_keys, p.cached_keys);
      } else {
        EXPECT_FALSE(pck->configuration.has_value());
      }
      ExpectChainsToRoot(*cert, r.Header("sgx-pck-certificate-issuer-chain"));
    }
  }

  static IntelPki* pki_;
  static crypto::PrivateKey* key_;
  FakeClock clock_{thim::testing::At("2026-06-01T00:00:00Z")};
  std::unique_ptr<PcsSimulator> sim_;
  std::unique_ptr<server::HttpServer> server_;
  std::vector<SimPlatform> platforms_;
};
IntelPki* SimPlatforms::pki_ = nullptr;
crypto::PrivateKey* SimPlatforms::key_ = nullptr;

// ---- the fleet ----------------------------------------------------------

TEST_F(SimPlatforms, FleetHasTheDocumentedShape) {
  std::vector<SimPlatform> fleet = sim_->Platforms();
  ASSERT_EQ(fleet.size(), 8u);
  std::set<std::string> fmspcs, processor_fmspcs, platform_fmspcs, qe_ids;
  std::set<Bytes> ppids;
  for (const auto& p : fleet) {
    SCOPED_TRACE(p.index);
    EXPECT_TRUE(IsHex(p.qe_id, 32));
    EXPECT_EQ(p.qe_id, HexEncode(*HexDecode(p.qe_id), true)) << "upper case";
    EXPECT_EQ(p.pce_id, "0000");
    EXPECT_EQ(p.ppid.size(), 16u);
    ASSERT_TRUE(IsHex(p.encrypted_ppid, 768));
    auto ppid = crypto::RsaOaepSha256Decrypt(*key_, *HexDecode(p.encrypted_ppid));
    ASSERT_TRUE(ppid.ok());
    EXPECT_EQ(*ppid, p.ppid);
    fmspcs.insert(p.fmspc);
    (p.ca == intel::PckCaType::kProcessor ? processor_fmspcs : platform_fmspcs).insert(p.fmspc);
    qe_ids.insert(p.qe_id);
    ppids.insert(p.ppid);
    bool indirect = p.index % 3 == 2;
    EXPECT_EQ(p.ca, p.index % 3 == 0 ? intel::PckCaType::kProcessor : intel::PckCaType::kPlatform);
    EXPECT_EQ(p.cached_keys, !indirect);
    EXPECT_EQ(p.platform_manifest.size(), indirect ? 2 * kPlatformManifestBytes : 0u);
    EXPECT_EQ(p.platform_instance_id.size(), p.ca == intel::PckCaType::kPlatform ? 16u : 0u);
    EXPECT_EQ(p.lowest_level_not_available, p.index % 4 == 0);
  }
  EXPECT_EQ(fmspcs.size(), 3u);
  EXPECT_EQ(processor_fmspcs.size(), 3u);
  EXPECT_GE(platform_fmspcs.size(), 2u);
  EXPECT_EQ(qe_ids.size(), 8u);
  EXPECT_EQ(ppids.size(), 8u);
}

TEST_F(SimPlatforms, IdentitiesAreDeterministicInTheSeed) {
  std::vector<SimPlatform> first = sim_->Platforms();
  Start(Options());  // a restarted simulator
  std::vector<SimPlatform> second = sim_->Platforms();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].ppid, second[i].ppid);
    EXPECT_EQ(first[i].qe_id, second[i].qe_id);
    EXPECT_EQ(first[i].fmspc, second[i].fmspc);
    EXPECT_EQ(first[i].platform_manifest, second[i].platform_manifest);
    EXPECT_NE(first[i].encrypted_ppid, second[i].encrypted_ppid) << "OAEP is randomised";
  }
  // The restarted simulator still recognises the first run's encrypted PPID.
  EXPECT_EQ(Get(GetPckCerts(first[0])).status, 200);

  PcsSimOptions other = Options();
  other.platform_seed = 2;
  other.platforms = 3;
  Start(other);
  std::vector<SimPlatform> third = sim_->Platforms();
  ASSERT_EQ(third.size(), 3u);
  EXPECT_NE(third[0].ppid, first[0].ppid);
  EXPECT_NE(third[0].qe_id, first[0].qe_id);
}

TEST_F(SimPlatforms, WithoutAKeyUsesOneKeyPerProcess) {
  PcsSimOptions options;  // no ppid_key
  options.platforms = 2;
  Start(options);
  auto process_key = ProcessPpidKey();
  ASSERT_TRUE(process_key.ok());
  ASSERT_EQ(platforms_.size(), 2u);
  EXPECT_EQ(*crypto::RsaOaepSha256Decrypt(*process_key, *HexDecode(platforms_[1].encrypted_ppid)), platforms_[1].ppid);
  ExpectPckCertsBody(platforms_[1], Get(GetPckCerts(platforms_[1])));

  options.platforms = 0;
  Start(options);
  EXPECT_TRUE(sim_->Platforms().empty());
  EXPECT_EQ(Get("/_sim/platforms").body, "[]");
}

TEST_F(SimPlatforms, ListsPlatformsOnTheControlApi) {
  ClientResponse r = Get("/_sim/platforms");
  ASSERT_EQ(r.status, 200);
  auto list = nlohmann::json::parse(r.body);
  std::vector<SimPlatform> fleet = sim_->Platforms();
  ASSERT_EQ(list.size(), fleet.size());
  for (size_t i = 0; i < fleet.size(); ++i) {
    EXPECT_EQ(list[i]["qe_id"], fleet[i].qe_id);
    EXPECT_EQ(list[i]["pce_id"], "0000");
    EXPECT_EQ(list[i]["fmspc"], fleet[i].fmspc);
    EXPECT_EQ(list[i]["ca"], std::string(intel::PckCaTypeName(fleet[i].ca)));
    EXPECT_EQ(list[i]["ppid"], HexEncode(fleet[i].ppid, true));
    EXPECT_EQ(list[i]["encrypted_ppid"], fleet[i].encrypted_ppid);
    EXPECT_EQ(list[i]["platform_manifest"], fleet[i].platform_manifest);
    EXPECT_EQ(list[i]["cached_keys"], fleet[i].cached_keys);
  }
}

TEST_F(SimPlatforms, PpidKeyIsKeptInTheStateDirectory) {
  auto dir = std::filesystem::temp_directory_path() / ("thim-sim-key-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto created = LoadOrCreatePpidKey(dir.string());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat((dir / "ppid_encryption.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadOrCreatePpidKey(dir.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->ToPem(), created->ToPem());
  EXPECT_EQ(loaded->public_key().Algorithm(), "RSA 3072");
  std::filesystem::remove_all(dir);
}

// ---- pckcerts ------------------------------------------------------------

TEST_F(SimPlatforms, GetPckCertsListsEveryLevelWithItsCertificate) {
  for (size_t i : {1u, 3u}) {  // a Platform-CA and a Processor-CA platform
    SCOPED_TRACE(i);
    const SimPlatform& p = Platform(i);
    ClientResponse r = Get(GetPckCerts(p));
    ExpectPckCertsBody(p, r);
    EXPECT_EQ(nlohmann::json::parse(r.body).size(), 23u);  // evaluation numbers 16–18
    // Certificates never change within a run.
    EXPECT_EQ(Get(GetPckCerts(p)).body, r.body);
  }
}

TEST_F(SimPlatforms, ConcurrentFirstRequestsGetTheSameCertificates) {
  const SimPlatform& p = Platform(7);  // nothing issued for it yet
  std::vector<std::string> bodies(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) threads.emplace_back([&, i] { bodies[i] = Get(GetPckCerts(p)).body; });
  for (auto& t : threads) t.join();
  ClientResponse later = Get(GetPckCerts(p));
  ExpectPckCertsBody(p, later);
  for (const auto& body : bodies) EXPECT_EQ(body, later.body);
}

TEST_F(SimPlatforms, PckCertsConfigListsTheSameSet) {
  const SimPlatform& p = Platform(4);
  ClientResponse all = Get(GetPckCerts(p));
  std::string cpusvn = HexEncode(Cpusvn(sim_->PlatformLevels(p)[0].tcb), true);
  ClientResponse config = Get("/sgx/certification/v4/pckcerts/config?encrypted_ppid=" + p.encrypted_ppid + "&pceid=0000&cpusvn=" + cpusvn);
  ExpectPckCertsBody(p, config);
  EXPECT_EQ(config.body, all.body);
}

TEST_F(SimPlatforms, NotAvailableLevelIsListedAndNeverSelected) {
  const SimPlatform& p = Platform(0);
  ASSERT_TRUE(p.lowest_level_not_available);
  std::vector<SimPckLevel> levels = sim_->PlatformLevels(p);
  ASSERT_FALSE(levels.back().available);
  for (size_t i = 0; i + 1 < levels.size(); ++i) EXPECT_TRUE(levels[i].available);
  ClientResponse r = Get(GetPckCerts(p));
  ExpectPckCertsBody(p, r);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.back()["cert"], "Not available");
  EXPECT_EQ(body.back()["tcbm"], levels.back().tcbm);

  // A raw TCB at exactly the lowest level: nothing available fits.
  const SgxTcb lowest = levels.back().tcb;
  EXPECT_EQ(Get(GetPckCert(p, lowest)).status, 404);
  EXPECT_EQ(sim_->SelectPck(p, Cpusvn(lowest), lowest.pcesvn).status().code(), StatusCode::kNotFound);
  // The same raw TCB on a platform that has that certificate.
  const SimPlatform& q = Platform(1);
  ASSERT_FALSE(q.lowest_level_not_available);
  ClientResponse ok = Get(GetPckCert(q, lowest));
  ExpectSelects(q, lowest, ok);
  EXPECT_EQ(ok.Header("sgx-tcbm"), levels.back().tcbm);
}

// ---- pckcert selection -----------------------------------------------------

TEST_F(SimPlatforms, PckCertSelectionMatrixMatchesSelectPck) {
  for (size_t i : {1u, 3u, 6u}) {
    SCOPED_TRACE("platform " + std::to_string(i));
    const SimPlatform& p = Platform(i);
    std::vector<SimPckLevel> levels = sim_->PlatformLevels(p);
    const SgxTcb top = levels.front().tcb;
    std::vector<std::pair<SgxTcb, std::string>> cases;  // raw TCB → expected TCBm ("" = 404)
    for (const auto& l : levels) cases.push_back({l.tcb, l.tcbm});  // every level exactly
    SgxTcb above = top;                                             // above the highest
    for (auto& c : above.components) c = static_cast<uint8_t>(c + 7);
    above.pcesvn += 5;
    cases.push_back({above, levels.front().tcbm});
    SgxTcb between = top;  // comps two below the top, PCESVN between 9 and 13
    between.components[0] = between.components[1] = static_cast<uint8_t>(top.components[0] - 2);
    between.pcesvn = 12;
    SgxTcb expect_between = between;
    expect_between.pcesvn = 9;  // too low for every PCESVN-13 level: the (c, 9) level of the same CPUSVN
    cases.push_back({between, intel::FormatTcbm(Cpusvn(expect_between), 9)});
    SgxTcb pcesvn_lower = top;  // the top's CPUSVN, PCESVN below every level's
    pcesvn_lower.pcesvn = 4;
    cases.push_back({pcesvn_lower, ""});
    SgxTcb below = levels.back().tcb;  // below the lowest level
    below.components[0] = 3;
    cases.push_back({below, ""});
    SgxTcb mixed = top;  // one component below every level
    mixed.components[3] = 3;
    cases.push_back({mixed, ""});
    for (const auto& [raw, tcbm] : cases) {
      SCOPED_TRACE(intel::FormatTcbm(Cpusvn(raw), raw.pcesvn));
      ClientResponse r = Get(GetPckCert(p, raw));
      if (tcbm.empty()) {
        EXPECT_EQ(r.status, 404);
        EXPECT_EQ(sim_->SelectPck(p, Cpusvn(raw), raw.pcesvn).status().code(), StatusCode::kNotFound);
        continue;
      }
      ExpectSelects(p, raw, r);
      EXPECT_EQ(r.Header("sgx-tcbm"), tcbm);
    }
  }
}

TEST_F(SimPlatforms, PckCertServedOnV3Too) {
  const SimPlatform& p = Platform(3);
  SgxTcb raw = sim_->PlatformLevels(p)[2].tcb;
  ExpectSelects(p, raw, Get(GetPckCert(p, raw, "v3")));
  ExpectPckCertsBody(p, Get("/sgx/certification/v3/pckcerts?encrypted_ppid=" + p.encrypted_ppid + "&pceid=0000"));
}

// ---- indirect registration (platform manifest) ----------------------------

TEST_F(SimPlatforms, ManifestPlatformAnswersOnlyToPost) {
  const SimPlatform& p = Platform(2);
  ASSERT_FALSE(p.cached_keys);
  ASSERT_FALSE(p.platform_manifest.empty());
  SgxTcb raw = sim_->PlatformLevels(p)[1].tcb;

  ExpectSelects(p, raw, Post("/sgx/certification/v4/pckcert", ManifestBody(p, &raw, true)));
  ExpectPckCertsBody(p, Post("/sgx/certification/v4/pckcerts", ManifestBody(p, nullptr, false)));
  ExpectPckCertsBody(p, Post("/sgx/certification/v4/pckcerts/config", ManifestBody(p, &raw, false)));
  // Lower-case hex names the same platform.
  nlohmann::json lower = nlohmann::json::parse(ManifestBody(p, nullptr, false));
  std::string m = p.platform_manifest;
  for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  lower["platformManifest"] = m;
  EXPECT_EQ(Post("/sgx/certification/v4/pckcerts", lower.dump()).status, 200);

  // Intel holds no keys for it: the encrypted PPID forms are 404.
  EXPECT_EQ(Get(GetPckCert(p, raw)).status, 404);
  EXPECT_EQ(Get(GetPckCerts(p)).status, 404);
  EXPECT_EQ(Get("/sgx/certification/v4/pckcerts/config?encrypted_ppid=" + p.encrypted_ppid + "&pceid=0000&cpusvn=" +
                HexEncode(Cpusvn(raw), true))
                .status,
            404);
  // The simulator's own answer is still defined (what a manifest POST gets).
  EXPECT_TRUE(sim_->SelectPck(p, Cpusvn(raw), raw.pcesvn).ok());
}

TEST_F(SimPlatforms, UnknownManifestOrPlatformIs404) {
  const SimPlatform& p = Platform(2);
  nlohmann::json body = nlohmann::json::parse(ManifestBody(p, nullptr, false));
  std::string m = p.platform_manifest;
  m[100] = m[100] == 'A' ? 'B' : 'A';
  body["platformManifest"] = m;
  EXPECT_EQ(Post("/sgx/certification/v4/pckcerts", body.dump()).status, 404);
  // A well-formed ciphertext that is not for the simulator's key.
  SimPlatform stranger = Platform(1);
  stranger.encrypted_ppid = std::string(768, 'A');
  EXPECT_EQ(Get(GetPckCerts(stranger)).status, 404);
  // A correctly encrypted PPID no platform has.
  auto ct = crypto::RsaOaepSha256Encrypt(key_->public_key(), Bytes(16, 0xEE));
  ASSERT_TRUE(ct.ok());
  stranger.encrypted_ppid = HexEncode(*ct, true);
  EXPECT_EQ(Get(GetPckCerts(stranger)).status, 404);
  // A PCE-ID the platform does not have.
  SimPlatform other_pce = Platform(1);
  other_pce.pce_id = "0100";
  EXPECT_EQ(Get(GetPckCerts(other_pce)).status, 404);
  // SelectPck knows only the fleet's platforms.
  SimPlatform forged = Platform(1);
  forged.ppid = Bytes(16, 0xEE);
  EXPECT_EQ(sim_->SelectPck(forged, Bytes(16, 0xFF), 0xFFFF).status().code(), StatusCode::kNotFound);
}

// ---- malformed requests -----------------------------------------------------

TEST_F(SimPlatforms, MalformedParametersAre400WithPcsErrorHeaders) {
  const SimPlatform& p = Platform(1);
  const SimPlatform& m = Platform(2);
  const std::string ppid = "encrypted_ppid=" + p.encrypted_ppid;
  const std::string cpusvn = "&cpusvn=" + std::string(32, '0');
  std::vector<std::string> gets = {
      "/sgx/certification/v4/pckcert?" + ppid + cpusvn + "&pcesvn=0B00",             // no pceid
      "/sgx/certification/v4/pckcert?" + ppid + cpusvn + "&pceid=0000",              // no pcesvn
      "/sgx/certification/v4/pckcert?" + ppid + "&pcesvn=0B00&pceid=0000",           // no cpusvn
      "/sgx/certification/v4/pckcert?" + ppid + cpusvn + "&pcesvn=0B0&pceid=0000",   // pcesvn 3 chars
      "/sgx/certification/v4/pckcert?" + ppid + "&cpusvn=" + std::string(30, '0') + "&pcesvn=0B00&pceid=0000",
      "/sgx/certification/v4/pckcert?" + ppid + "&cpusvn=" + std::string(31, '0') + "G&pcesvn=0B00&pceid=0000",
      "/sgx/certification/v4/pckcert?" + ppid + cpusvn + "&pcesvn=0B00&pceid=00000",
      "/sgx/certification/v4/pckcerts?encrypted_ppid=" + p.encrypted_ppid.substr(2) + "&pceid=0000",
      "/sgx/certification/v4/pckcerts?encrypted_ppid=" + p.encrypted_ppid.substr(1) + "Z&pceid=0000",
      "/sgx/certification/v4/pckcerts?pceid=0000",
      "/sgx/certification/v4/pckcerts?" + ppid + "&pceid=0000&pceid=0000",  // repeated
      "/sgx/certification/v4/pckcerts/config?" + ppid + "&pceid=0000",     // no cpusvn
  };
  for (const auto& target : gets) {
    SCOPED_TRACE(target.substr(0, 60) + "…" + target.substr(target.size() - 40));
    ClientResponse r = Get(target);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.Header("error-code"), "InvalidRequestSyntax");
    EXPECT_FALSE(r.Header("error-message").empty());
  }
  std::vector<std::pair<std::string, std::string>> posts = {
      {"pckcerts", "not json"},
      {"pckcerts", "[]"},
      {"pckcerts", R"({"pceid":"0000"})"},
      {"pckcerts", R"({"platformManifest":"ABCD","pceid":"0000"})"},  // far too short
      {"pckcerts", nlohmann::json{{"platformManifest", m.platform_manifest + "0"}, {"pceid", "0000"}}.dump()},
      {"pckcerts", nlohmann::json{{"platformManifest", m.platform_manifest}, {"pceid", 0}}.dump()},
      {"pckcerts/config", nlohmann::json{{"platformManifest", m.platform_manifest}, {"pceid", "0000"}}.dump()},
      {"pckcert", nlohmann::json{{"platformManifest", m.platform_manifest}, {"pceid", "0000"}, {"cpusvn", std::string(32, '0')}}.dump()},
      {"pckcert", nlohmann::json{{"platformManifest", m.platform_manifest}, {"pceid", "0000"}, {"cpusvn", 5}, {"pcesvn", "0B00"}}.dump()},
  };
  for (const auto& [route, body] : posts) {
    SCOPED_TRACE(route + " " + body.substr(0, 40));
    ClientResponse r = Post("/sgx/certification/v4/" + route, body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.Header("error-code"), "InvalidRequestSyntax");
  }
  TestClient c(server_->port());
  ClientResponse key = c.Get(GetPckCerts(p), "PPID-Encryption-Key: RSA-2048\r\n");
  EXPECT_EQ(key.status, 400);
  TestClient c2(server_->port());
  EXPECT_EQ(c2.Get(GetPckCerts(p), "PPID-Encryption-Key: RSA-3072\r\n").status, 200);
}

// ---- TCB recovery -------------------------------------------------------------

TEST_F(SimPlatforms, NewEvaluationNumberAddsTheNewLevels) {
  const SimPlatform& p = Platform(1);
  std::vector<SimPckLevel> before = sim_->PlatformLevels(p);
  SgxTcb new_top = before.front().tcb;
  new_top.components[0] = new_top.components[1] = static_cast<uint8_t>(new_top.components[0] + 1);
  // Before the recovery the raw TCB of the coming top level gets the old top.
  ClientResponse old_answer = Get(GetPckCert(p, new_top));
  ASSERT_EQ(old_answer.status, 200);
  EXPECT_EQ(old_answer.Header("sgx-tcbm"), before.front().tcbm);

  Control("/_sim/new-eval-number");
  std::vector<SimPckLevel> after = sim_->PlatformLevels(p);
  // Evaluation number 19 adds its top level and its PCESVN-9 level.
  ASSERT_EQ(after.size(), before.size() + 2);
  EXPECT_EQ(after.front().tcb, new_top);
  ClientResponse all = Get(GetPckCerts(p));
  ExpectPckCertsBody(p, all);
  auto body = nlohmann::json::parse(all.body);
  ASSERT_EQ(body.size(), after.size());
  EXPECT_EQ(body[0]["tcbm"], intel::FormatTcbm(Cpusvn(new_top), new_top.pcesvn));

  ClientResponse new_answer = Get(GetPckCert(p, new_top));
  ExpectSelects(p, new_top, new_answer);
  EXPECT_EQ(new_answer.Header("sgx-tcbm"), after.front().tcbm);
  EXPECT_EQ(*PercentDecode(body[0]["cert"].get<std::string>()), new_answer.body);
  // Certificates of the levels that existed before are unchanged.
  ClientResponse old_level = Get(GetPckCert(p, before.front().tcb));
  EXPECT_EQ(old_level.body, old_answer.body);
}

// ---- controls ------------------------------------------------------------------

TEST_F(SimPlatforms, StatsCountPckCalls) {
  const SimPlatform& p = Platform(1);
  const SimPlatform& m = Platform(2);
  SgxTcb raw = sim_->PlatformLevels(p)[0].tcb;
  Get(GetPckCert(p, raw));
  Get(GetPckCerts(p));
  Get(GetPckCerts(p));
  Post("/sgx/certification/v4/pckcerts", ManifestBody(m, nullptr, false));
  Get("/sgx/certification/v4/pckcerts?pceid=0000");  // a 400 still reached PCS
  auto stats = Stats();
  EXPECT_EQ(stats["pckCalls"], 5);
  EXPECT_EQ(stats["paths"]["/sgx/certification/v4/pckcert"], 1);
  EXPECT_EQ(stats["paths"]["/sgx/certification/v4/pckcerts"], 4);
  Control("/_sim/reset");
  EXPECT_EQ(Stats()["pckCalls"], 0);
}

TEST_F(SimPlatforms, OutageForceAndLatencyApply) {
  const SimPlatform& p = Platform(1);
  Control("/_sim/outage?enabled=1");
  EXPECT_EQ(Get(GetPckCerts(p)).status, 503);
  EXPECT_EQ(Post("/sgx/certification/v4/pckcerts", ManifestBody(Platform(2), nullptr, false)).status, 503);
  Control("/_sim/outage?enabled=0");
  Control("/_sim/force?status=429&retry_after=7&count=1");
  ClientResponse limited = Get(GetPckCerts(p));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("retry-after"), "7");
  EXPECT_EQ(Get(GetPckCerts(p)).status, 200);
  Control("/_sim/latency?ms=150");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Get(GetPckCerts(p)).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
}

TEST_F(SimPlatforms, TamperedCertificatesFailVerification) {
  const SimPlatform& p = Platform(1);
  SgxTcb raw = sim_->PlatformLevels(p)[0].tcb;
  auto leaf_and_chain = [&](const ClientResponse& r) {
    std::vector<crypto::Certificate> chain = {*crypto::Certificate::FromPem(r.body)};
    auto rest = *crypto::ParseCertificateList(r.Header("sgx-pck-certificate-issuer-chain"));
    chain.insert(chain.end(), rest.begin(), rest.end());
    return chain;
  };

  Control("/_sim/tamper?kind=bad_signature&count=1");
  ClientResponse bad = Get(GetPckCert(p, raw));
  ASSERT_EQ(bad.status, 200);
  EXPECT_EQ(crypto::VerifyChain(leaf_and_chain(bad), pki_->root().cert, {.at = clock_.Now()}).status().code(), StatusCode::kDataLoss);
  EXPECT_TRUE(intel::ParsePckCertificate(*crypto::Certificate::FromPem(bad.body)).ok()) << "still a well-formed PCK cert";

  Control("/_sim/tamper?kind=foreign_root&count=1");
  ClientResponse foreign = Get(GetPckCerts(p));
  ASSERT_EQ(foreign.status, 200);
  auto first = nlohmann::json::parse(foreign.body)[0];
  auto foreign_cert = *crypto::Certificate::FromPem(*PercentDecode(first["cert"].get<std::string>()));
  std::vector<crypto::Certificate> chain = {foreign_cert};
  auto rest = *crypto::ParseCertificateList(foreign.Header("sgx-pck-certificate-issuer-chain"));
  chain.insert(chain.end(), rest.begin(), rest.end());
  EXPECT_EQ(crypto::VerifyChain(chain, pki_->root().cert, {.at = clock_.Now()}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(crypto::VerifyChain(chain, rest.back(), {.at = clock_.Now()}).ok()) << "consistent in itself";

  Control("/_sim/tamper?kind=wrong_fmspc&count=1");
  ClientResponse wrong = Get(GetPckCert(p, raw));
  ASSERT_EQ(wrong.status, 200);
  auto pck = intel::ParsePckCertificate(*crypto::Certificate::FromPem(wrong.body));
  ASSERT_TRUE(pck.ok());
  EXPECT_NE(pck->FmspcHex(), wrong.Header("sgx-fmspc"));
  EXPECT_EQ(wrong.Header("sgx-fmspc"), p.fmspc);

  // Tampering was for one request each: the genuine answer is back.
  ExpectSelects(p, raw, Get(GetPckCert(p, raw)));
}

}  // namespace
}  // namespace thim::sim
