// Runs the real `thim` binary: exit codes, one-line causes, JSON output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "testdata.h"
#include "thim_cli.h"

namespace thim {
namespace {

using thim::testing::RealDataPath;

using CliRun = thim::testing::BinaryRun;

using thim::testing::Thim;
using thim::testing::Real;

std::string TempFile(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / ("thim-cli-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

nlohmann::json InspectJson(const std::string& file_arg) {
  CliRun r = Thim("inspect " + file_arg);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(ThimInspect, RecognisesEveryKind) {
  auto tcb = InspectJson(Real("teepot/extracted/sgx_tcb_info_00906ED50000.body"));
  EXPECT_EQ(tcb["type"], "tcb_info");
  EXPECT_EQ(tcb["fmspc"], "00906ED50000");
  EXPECT_EQ(tcb["tcbLevelCount"], 19);
  EXPECT_EQ(tcb["tcbEvaluationDataNumber"], 17);
  EXPECT_EQ(tcb["nextUpdate"], "2025-06-26T19:31:07Z");
  auto qe = InspectJson(Real("teepot/extracted/tdx_qe_identity.body"));
  EXPECT_EQ(qe["type"], "enclave_identity");
  EXPECT_EQ(qe["id"], "TD_QE");
  auto numbers = InspectJson(Real("teepot/extracted/sgx_tcb_eval_nums.body"));
  EXPECT_EQ(numbers["type"], "tcb_evaluation_data_numbers");
  EXPECT_EQ(numbers["tcbEvalNumbers"].size(), 3u);
  auto fmspcs = InspectJson(Real("teepot/extracted/fmspcs.body"));
  EXPECT_EQ(fmspcs["type"], "fmspc_list");
  EXPECT_EQ(fmspcs["count"], 44);
}

TEST(ThimInspect, CertificatesChainsAndCrls) {
  auto chain = InspectJson(Real("go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem"));
  EXPECT_EQ(chain["type"], "certificate_chain");
  ASSERT_EQ(chain["count"], 3);
  auto leaf = chain["certificates"][0];
  EXPECT_EQ(leaf["type"], "pck_certificate");
  EXPECT_EQ(leaf["sgx"]["fmspc"], "00806F050000");
  EXPECT_EQ(leaf["sgx"]["caType"], "platform");
  EXPECT_EQ(leaf["sgx"]["components"], "07070202030100030000000000000000");
  EXPECT_EQ(leaf["sgx"]["pcesvn"], 11);
  auto urlencoded = InspectJson(Real("go-tdx-guest/extracted/tcb_info_issuer_chain.urlencoded.txt"));
  EXPECT_EQ(urlencoded["count"], 2);
  auto single = InspectJson(Real("mobilecoin-attestation/verifier/data/tests/leaf_cert.pem"));
  EXPECT_EQ(single["sgx"]["caType"], "processor");
  auto pem_crl = InspectJson(Real("teepot/extracted/pck_crl_platform.body"));
  EXPECT_EQ(pem_crl["type"], "crl");
  EXPECT_EQ(pem_crl["encoding"], "pem");
  EXPECT_EQ(pem_crl["revoked"], 44);
  auto der_crl = InspectJson(Real("go-tdx-guest/testing/testdata/rootcrl.der"));
  EXPECT_EQ(der_crl["encoding"], "der");
  std::string hex = TempFile("crl.hex", HexEncode(*ReadFileBytes(RealDataPath("go-tdx-guest/testing/testdata/pckcrl"))));
  auto hex_crl = InspectJson(hex);
  EXPECT_EQ(hex_crl["encoding"], "hex");
  EXPECT_EQ(hex_crl["revoked"], 44);
}

TEST(ThimInspect, GarbageAndMissingFiles) {
  CliRun garbage = Thim("inspect " + TempFile("garbage", "hello world"));
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.out.find("not recognised"), std::string::npos) << garbage.out;
  CliRun json = Thim("inspect " + TempFile("json", "{\"a\":1}"));
  EXPECT_EQ(json.exit_code, 1);
  CliRun dup = Thim("inspect " + TempFile("dup", "{\"tcbInfo\":{},\"tcbInfo\":{}}"));
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.out.find("duplicate key"), std::string::npos) << dup.out;
  CliRun missing = Thim("inspect /nonexistent/file");
  EXPECT_EQ(missing.exit_code, 2);
  CliRun usage = Thim("inspect");
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(Thim("--help").exit_code, 0);
  EXPECT_EQ(Thim("verify collateral --help").exit_code, 0);
}

TEST(ThimVerifyCollateral, ValidInvalidAndCauses) {
  std::string body = Real("teepot/extracted/tdx_tcb_info.body");
  std::string chain = Real("teepot/extracted/tdx_tcb_info.chain.pem");
  CliRun ok = Thim("verify collateral " + body + " --chain " + chain + " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("valid: TCB info (TDX, FMSPC 00806F050000"), std::string::npos) << ok.out;

  CliRun expired = Thim("verify collateral " + body + " --chain " + chain + " --at 2025-07-01T00:00:00Z");
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_EQ(expired.out.rfind("thim: invalid: expired", 0), 0u) << expired.out;
  EXPECT_EQ(std::count(expired.out.begin(), expired.out.end(), '\n'), 1) << "one line: " << expired.out;

  std::string text = *ReadFileString(RealDataPath("teepot/extracted/tdx_tcb_info.body"));
  size_t pos = text.find("\"tcbDate\":\"2024-03-13") + 20;
  text[pos] = text[pos] == '3' ? '4' : '3';
  CliRun tampered = Thim("verify collateral " + TempFile("tampered.json", text) + " --chain " + chain + " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find("bad signature"), std::string::npos) << tampered.out;

  CliRun wrong_root = Thim("verify collateral " + body + " --chain " + chain + " --root " +
                        Real("go-sev-guest/verify/trust/ask_ark_milan.pem").replace(0, 0, "") + " --at 2025-06-01T00:00:00Z");
  // ask_ark_milan.pem holds two certificates: --root wants exactly one.
  EXPECT_EQ(wrong_root.exit_code, 2) << wrong_root.out;
  std::string ark = TempFile("ark.pem", *ReadFileString(RealDataPath("go-sev-guest/verify/trust/ask_ark_milan.pem")));
  std::string ark_only = *ReadFileString(ark);
  ark_only = ark_only.substr(ark_only.find("-----BEGIN CERTIFICATE-----", 10));
  CliRun untrusted = Thim("verify collateral " + body + " --chain " + chain + " --root " + TempFile("ark1.pem", ark_only) +
                       " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.out.find("untrusted root"), std::string::npos) << untrusted.out;

  CliRun urlencoded = Thim("verify collateral " + Real("go-tdx-guest/testing/testdata/sample_tcbInfo_response") + " --chain " +
                        Real("go-tdx-guest/extracted/tcb_info_issuer_chain.urlencoded.txt") + " --at 2023-06-20T00:00:00Z");
  EXPECT_EQ(urlencoded.exit_code, 0) << urlencoded.out;

  CliRun malformed = Thim("verify collateral " + TempFile("bad.json", "{\"tcbInfo\":{\"version\":3}") + " --chain " + chain);
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.out.find("malformed"), std::string::npos) << malformed.out;
  CliRun bad_time = Thim("verify collateral " + body + " --chain " + chain + " --at yesterday");
  EXPECT_EQ(bad_time.exit_code, 2);
}

TEST(ThimVerifyCollateral, CrlsInEveryEncoding) {
  std::string chain = Real("go-tdx-guest/extracted/pck_crl_issuer_chain.pem");
  CliRun der = Thim("verify collateral " + Real("go-tdx-guest/testing/testdata/pckcrl") + " --chain " + chain + " --at 2023-06-10T00:00:00Z");
  EXPECT_EQ(der.exit_code, 0) << der.out;
  std::string hex = TempFile("pckcrl.hex", HexEncode(*ReadFileBytes(RealDataPath("go-tdx-guest/testing/testdata/pckcrl"))));
  CliRun hex_run = Thim("verify collateral " + hex + " --chain " + chain + " --at 2023-06-10T00:00:00Z");
  EXPECT_EQ(hex_run.exit_code, 0) << hex_run.out;
  CliRun pem = Thim("verify collateral " + Real("teepot/extracted/pck_crl_platform.body") + " --chain " +
                 Real("teepot/extracted/pck_crl_platform.chain.pem") + " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(pem.exit_code, 0) << pem.out;
  CliRun root = Thim("verify collateral " + Real("go-tdx-guest/testing/testdata/rootcrl.der") + " --chain " +
                  Real("go-tdx-guest/verify/trusted_root.pem") + " --at 2023-06-10T00:00:00Z");
  EXPECT_EQ(root.exit_code, 0) << root.out;
  CliRun late = Thim("verify collateral " + Real("go-tdx-guest/testing/testdata/pckcrl") + " --chain " + chain + " --at 2023-08-10T00:00:00Z");
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.out.find("expired"), std::string::npos) << late.out;
}

}  // namespace
}  // namespace thim

namespace thim {
namespace {

TEST(ThimBundle, InspectValidatesEveryItemOffline) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  auto add = [&](const char* key, const char* body, const char* chain, const char* type) {
    auto bytes = *ReadFileBytes(RealDataPath(body));
    items.push_back({{"key", key}, {"contentType", type}, {"body", Base64Encode(bytes)},
                     {"issuerChain", PercentEncode(*ReadFileString(RealDataPath(chain)))}});
  };
  add("intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard", "teepot/extracted/sgx_tcb_info_00906ED50000.body",
      "teepot/extracted/sgx_tcb_info_00906ED50000.chain.pem", "application/json");
  add("intel/v4/tdx/qe/identity?update=standard", "teepot/extracted/tdx_qe_identity.body", "teepot/extracted/tdx_qe_identity.chain.pem",
      "application/json");
  add("intel/v4/sgx/pckcrl?ca=platform", "teepot/extracted/pck_crl_platform.body", "teepot/extracted/pck_crl_platform.chain.pem",
      "application/x-pem-file");
  nlohmann::ordered_json bundle = {{"format", "thim-bundle"}, {"version", 1}, {"created", "2025-06-01T00:00:00Z"}, {"items", items}};
  std::string file = TempFile("bundle.json", bundle.dump());
  CliRun ok = Thim("bundle inspect " + file + " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  auto report = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << ok.out;
  EXPECT_EQ(report["count"], 3);
  EXPECT_EQ(report["items"][0]["evaluationDataNumber"], 17);
  CliRun expired = Thim("bundle inspect " + file);  // today: all expired
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_NE(expired.out.find("expired"), std::string::npos);
  // An item under the wrong key (a TDX identity claimed as the SGX QE's) is invalid.
  items[1]["key"] = "intel/v4/sgx/qe/identity?update=standard";
  bundle["items"] = items;
  CliRun wrong = Thim("bundle inspect " + TempFile("wrong.json", bundle.dump()) + " --at 2025-06-01T00:00:00Z");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("TD_QE identity served"), std::string::npos) << wrong.out;
  EXPECT_EQ(Thim("bundle inspect " + TempFile("garbage.json", "{}")).exit_code, 1);
  EXPECT_EQ(Thim("bundle export -o /tmp/x --url http://127.0.0.1:1").exit_code, 2);  // no token
}

}  // namespace
}  // namespace thim
