// `thim bundle inspect` on a bundle with AMD items, through the binary: the
// real Milan chain and VCEK (virtee/sev's vectors) validate against AMD's
// built-in ARK; a tampered VCEK or a VCEK under another chip's key do not.
#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "amd/amd_keys.h"
#include "amd/endorsement_cert.h"
#include "core/bytes.h"
#include "binary_runner.h"
#include "testdata.h"

namespace thim {
namespace {

// Writes `content` to a file and runs `thim bundle inspect` on it.
testing::BinaryRun InspectBundleFile(const std::string& name, const std::string& content, const std::string& extra = "") {
  auto path = std::filesystem::temp_directory_path() / ("thim-cli-amd-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  testing::BinaryRun r = testing::RunBinary("thim", "bundle inspect " + path.string() + extra);
  std::filesystem::remove(path);
  return r;
}

TEST(ThimBundleInspect, ListsAndValidatesAmdItems) {
  std::string chain = *ReadFileString(testing::RealDataPath("virtee-sev/tests/certs_data/cert_chain_milan"));
  Bytes vcek = *ReadFileBytes(testing::RealDataPath("virtee-sev/tests/certs_data/vcek_milan.der"));
  auto parsed = amd::ParseEndorsementCertBytes(vcek);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::string vcek_key = amd::VcekStoreKey(amd::Product::kMilan, parsed->hw_id, parsed->TcbRaw());
  nlohmann::ordered_json bundle = {
      {"format", "thim-bundle"}, {"version", 1}, {"created", "2025-06-01T00:00:00Z"}, {"items", nlohmann::json::array()},
      {"amd", {{"chains", {{{"key", "amd/cert_chain/vcek/Milan"}, {"pem", chain}}}},
               {"vceks", {{{"key", vcek_key}, {"der", Base64Encode(vcek)}}}}}}};
  const std::string at = " --at 2025-06-01T00:00:00Z";
  testing::BinaryRun ok = InspectBundleFile("ok.json", bundle.dump(), at);
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  auto report = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << ok.out;
  ASSERT_EQ(report["amd"].size(), 2u);
  EXPECT_EQ(report["amd"][0]["key"], "amd/cert_chain/vcek/Milan");
  EXPECT_EQ(report["amd"][0]["valid"], true);
  EXPECT_EQ(report["amd"][1]["key"], vcek_key);
  EXPECT_EQ(report["amd"][1]["valid"], true);
  EXPECT_EQ(report["amd"][1]["notAfter"], "2030-04-03T19:23:43Z");
  EXPECT_NE(report["amd"][1]["what"].get<std::string>().find("VCEK of Milan chip"), std::string::npos);

  // A flipped signature byte: the item is invalid, named, and the exit code says so.
  Bytes tampered = vcek;
  tampered[tampered.size() - 4] ^= 0x01;
  bundle["amd"]["vceks"][0]["der"] = Base64Encode(tampered);
  testing::BinaryRun bad = InspectBundleFile("tampered.json", bundle.dump(), at);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  // The report on stdout, the one-line cause on stderr (in either order).
  report = nlohmann::json::parse(bad.out.substr(bad.out.find('{'), bad.out.rfind('}') - bad.out.find('{') + 1), nullptr, false);
  ASSERT_TRUE(report.is_object()) << bad.out;
  EXPECT_EQ(report["amd"][1]["valid"], false);
  EXPECT_TRUE(report["amd"][1].contains("error"));
  EXPECT_EQ(report["amd"][0]["valid"], true);

  // The genuine VCEK under another chip's key.
  Bytes other(64, 0x11);
  bundle["amd"]["vceks"][0] = {{"key", amd::VcekStoreKey(amd::Product::kMilan, other, parsed->TcbRaw())},
                               {"der", Base64Encode(vcek)}};
  testing::BinaryRun wrong = InspectBundleFile("wrong.json", bundle.dump(), at);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("not the chip asked"), std::string::npos) << wrong.out;

  // Without the chain the VCEK cannot be validated (inspection never contacts KDS).
  bundle["amd"].erase("chains");
  bundle["amd"]["vceks"][0] = {{"key", vcek_key}, {"der", Base64Encode(vcek)}};
  testing::BinaryRun no_chain = InspectBundleFile("nochain.json", bundle.dump(), at);
  EXPECT_EQ(no_chain.exit_code, 1) << no_chain.out;
  EXPECT_NE(no_chain.out.find("does not contact KDS"), std::string::npos) << no_chain.out;
}

}  // namespace
}  // namespace thim
