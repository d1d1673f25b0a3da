// thimd's AMD routes against the KDS simulator: THIM's node-local answer
// (shape of the real one), the KDS mirror, Azure's global form, admin.
#include <fstream>

#include "amd/endorsement_cert.h"
#include "amd/snp_verifier.h"
#include "amd_harness.h"
#include "cli/verify_snp.h"
#include "testdata.h"

namespace thim::testing {
namespace {

std::vector<std::string> Keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& [k, v] : j.items()) out.push_back(k);
  return out;
}

TEST_F(ThimdWithKds, ThimAnswerHasTheRealShape) {
  StartThimd(AmdConfig());
  EXPECT_EQ(Thimd("/metadata/THIM/amd/certification").status, 400);  // no Metadata header
  auto r = Thimd("/metadata/THIM/amd/certification", kMetadataHeader);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u);
  auto real = nlohmann::ordered_json::parse(ReadRealString("confidential-sidecar-containers/extracted/host-amd-cert.json"));
  auto ours = nlohmann::ordered_json::parse(r.body);
  EXPECT_EQ(Keys(ours), Keys(real));  // vcekCert, tcbm, certificateChain, cacheControl
  EXPECT_EQ(ours["tcbm"], real["tcbm"]);
  EXPECT_EQ(ours["cacheControl"], real["cacheControl"]);
  EXPECT_EQ(r.body.rfind("{\"vcekCert\":\"-----BEGIN CERTIFICATE-----\\n", 0), 0u);  // compact, as THIM
  EXPECT_EQ(ours.dump(), r.body);
  // vcekCert is this chip's VCEK at that TCB, the chain is KDS's cert_chain byte for byte.
  auto key = amd::ParseEndorsementCertBytes(AsBytes(ours["vcekCert"].get<std::string>()));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->hw_id, sim::SimChipId(amd::Product::kMilan, 0));
  EXPECT_EQ(amd::FormatTcbm(key->TcbRaw()), "7308000000000003");
  EXPECT_EQ(ours["certificateChain"], Kds("/vcek/v1/Milan/cert_chain").body);
}

TEST_F(ThimdWithKds, RealAzureReportNodeServesItsTcbm) {
  thimd::Config c = AmdConfig();
  c.amd.node = {.product = "", .chip_id = "", .reported_tcb = "",
                .report_file = RealDataPath("confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin")};
  {
    thimd::App app(c, thimd_clock_);
    Status st = app.Start();
    ASSERT_FALSE(st.ok());  // v2 report: Milan or Genoa?
    EXPECT_NE(st.message().find("product"), std::string::npos) << st.ToString();
  }
  c.amd.node.product = "Milan";
  StartThimd(c);
  auto r = Thimd("/metadata/THIM/amd/certification", "Metadata: True\r\n");
  ASSERT_EQ(r.status, 200) << r.body;
  auto real = nlohmann::ordered_json::parse(
      ReadRealString("confidential-sidecar-containers/pkg/attest/test_data/uvm_host_amd_certificate.json"));
  auto ours = nlohmann::ordered_json::parse(r.body);
  EXPECT_EQ(Keys(ours), Keys(real));
  EXPECT_EQ(ours["tcbm"], "7308000000000003");
  EXPECT_EQ(ours["tcbm"], real["tcbm"]);
  auto report = amd::ParseSnpReport(ReadRealBytes("confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin"));
  auto key = amd::ParseEndorsementCertBytes(AsBytes(ours["vcekCert"].get<std::string>()));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->hw_id, Bytes(report->chip_id.begin(), report->chip_id.end()));
}

TEST_F(ThimdWithKds, CcfQueryParametersSelectAnotherChip) {
  StartThimd(AmdConfig());
  Bytes chip = sim::SimChipId(amd::Product::kMilan, 7);
  auto r = Thimd("/metadata/THIM/amd/certification?platformId=" + HexEncode(chip) + "&tcbVersion=db18000000000004", kMetadataHeader);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["tcbm"], "DB18000000000004");
  EXPECT_EQ(Thimd("/metadata/THIM/amd/certification?platformId=zz&tcbVersion=1", kMetadataHeader).status, 400);
  EXPECT_EQ(Thimd("/metadata/THIM/amd/certification?platformId=" + HexEncode(chip), kMetadataHeader).status, 400);
}

TEST_F(ThimdWithKds, KdsMirrorServesAmdsBytes) {
  StartThimd(AmdConfig());
  for (const char* p : {"Milan", "Genoa", "Turin"}) {
    for (const char* kind : {"vcek", "vlek"}) {
      std::string chain = std::string("/") + kind + "/v1/" + p + "/cert_chain";
      auto ours = Thimd(chain);
      ASSERT_EQ(ours.status, 200) << chain << " " << ours.body;
      EXPECT_EQ(ours.body, Kds(chain).body);
      std::string crl = std::string("/") + kind + "/v1/" + p + "/crl";
      auto c = Thimd(crl);
      ASSERT_EQ(c.status, 200) << crl << " " << c.body;
      EXPECT_EQ(c.body, Kds(crl).body);
      EXPECT_EQ(c.Header("content-type"), "application/pkix-crl");
    }
  }
  Bytes chip = sim::SimChipId(amd::Product::kGenoa, 3);
  std::string vcek = "/vcek/v1/Genoa/" + HexEncode(chip) + "?blSPL=10&teeSPL=0&snpSPL=23&ucodeSPL=84";
  auto v = Thimd(vcek);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.body, Kds(vcek).body);
  // snpguest zero-pads SPLs; same certificate.
  EXPECT_EQ(Thimd("/vcek/v1/Genoa/" + HexEncode(chip) + "?blSPL=10&teeSPL=00&snpSPL=23&ucodeSPL=84").body, v.body);
  // Turin: 8-byte hwID and fmcSPL.
  Bytes turin = sim::SimChipId(amd::Product::kTurin, 1);
  auto t = Thimd("/vcek/v1/Turin/" + HexEncode(ByteSpan(turin).first(8)) + "?fmcSPL=1&blSPL=2&teeSPL=3&snpSPL=4&ucodeSPL=5");
  ASSERT_EQ(t.status, 200) << t.body;
  auto tk = amd::ParseEndorsementCertBytes(AsBytes(t.body));
  ASSERT_TRUE(tk.ok());
  EXPECT_EQ(tk->tcb, (amd::TcbParts{.bl = 2, .tee = 3, .snp = 4, .ucode = 5, .fmc = 1}));
  // Malformed requests.
  EXPECT_EQ(Thimd("/vcek/v1/Siena/cert_chain").status, 404);
  EXPECT_EQ(Thimd("/vcek/v1/Milan/abcd?blSPL=1&teeSPL=0&snpSPL=1&ucodeSPL=1").status, 400);
  EXPECT_EQ(Thimd("/vcek/v1/Milan/" + HexEncode(chip) + "?blSPL=1&teeSPL=0&snpSPL=1").status, 400);
  EXPECT_EQ(Thimd("/vcek/v1/Milan/" + HexEncode(chip) + "?blSPL=256&teeSPL=0&snpSPL=1&ucodeSPL=1").status, 400);
  EXPECT_EQ(Thimd("/vcek/v1/Milan/" + HexEncode(chip) + "?blSPL=1&teeSPL=0&snpSPL=1&ucodeSPL=1&x=1").status, 400);
  EXPECT_EQ(Thimd("/vlek/v1/Milan/" + HexEncode(chip)).status, 404);
}

TEST_F(ThimdWithKds, AzureGlobalFormAndAdmin) {
  thimd::Config c = AmdConfig();
  c.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes("secret")));
  StartThimd(c);
  Bytes chip = sim::SimChipId(amd::Product::kMilan, 2);
  auto r = Thimd("/SevSnpVM/certificates/" + HexEncode(chip) + "/db18000000000004?api-version=2020-10-15-preview");
  ASSERT_EQ(r.status, 200) << r.body;
  auto certs = crypto::ParseCertificateList(r.body);
  ASSERT_TRUE(certs.ok());
  ASSERT_EQ(certs->size(), 3u);
  EXPECT_EQ((*certs)[0].SubjectCommonName(), "SEV-VCEK");
  EXPECT_EQ((*certs)[1].SubjectCommonName(), "SEV-Milan");
  EXPECT_EQ((*certs)[2].SubjectCommonName(), "ARK-Milan");
  auto unknown = Thimd("/SevSnpVM/certificates/nothex/db18000000000004");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(unknown.body.empty());
  // Admin: list (the VCEK just fetched), pre-load another.
  EXPECT_EQ(Thimd("/admin/amd/vceks").status, 401);
  auto list = Thimd("/admin/amd/vceks", "admin-token: secret\r\n");
  ASSERT_EQ(list.status, 200) << list.body;
  auto j = nlohmann::json::parse(list.body);
  ASSERT_EQ(j["vceks"].size(), 1u);
  EXPECT_EQ(j["vceks"][0]["chip_id"], HexEncode(chip));
  TestClient client(app_->port());
  Bytes other = sim::SimChipId(amd::Product::kGenoa, 9);
  std::string body = R"({"product":"Genoa","chip_id":")" + HexEncode(other) + R"(","tcbm":"541700000000000A"})";
  client.SendRaw("POST /admin/amd/vceks HTTP/1.1\r\nHost: x\r\nadmin-token: secret\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
  auto pre = client.Read();
  ASSERT_EQ(pre.status, 200) << pre.body;
  uint64_t before = kds_->Stats().vcek_requests;
  auto served = Thimd("/metadata/THIM/amd/certification?product=Genoa&platformId=" + HexEncode(other) +
                          "&tcbVersion=541700000000000a", kMetadataHeader);
  EXPECT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(kds_->Stats().vcek_requests, before);  // pre-loaded: no KDS call
}

TEST_F(ThimdWithKds, VerifySnpAgainstThimdMirror) {
  StartThimd(AmdConfig());
  for (amd::Product p : {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin}) {
    for (uint32_t version : {2u, 3u, 5u}) {
      sim::SnpReportSpec spec{.product = p, .version = version};
      spec.chip_id = sim::SimChipId(p, version);
      auto report = sim::GenerateSnpReport(**amd_pki_, spec);
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      std::string path = (dir_ / "report.bin").string();
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(report->data()), report->size());
      cli::VerifySnpArgs args;
      args.report_path = path;
      args.collateral = "http://127.0.0.1:" + std::to_string(app_->port());
      args.ark = ArkFile(p);
      if (version == 2 && p != amd::Product::kTurin) args.product = std::string(amd::ProductName(p));
      auto outcome = cli::RunVerifySnp(args);
      EXPECT_EQ(outcome.exit_code, 0) << amd::ProductName(p) << " v" << version << ": " << outcome.summary;
      EXPECT_TRUE(outcome.report["crl_checked"].get<bool>());
    }
  }
}

}  // namespace
}  // namespace thim::testing
