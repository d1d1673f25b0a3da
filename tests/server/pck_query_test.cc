// Parsing of Intel's and PCCS's PCK request fields (exact lengths, hex,
// little-endian PCESVN, all-zero PPID = none).
#include <gtest/gtest.h>

#include "server/pck_api.h"

#include "core/bytes.h"

namespace thim::server {
namespace {

const std::string kCpusvn = "0C0C02040180000E0000000000000000";

TEST(PckQuery, IntelAndPccsFormsAreNormalised) {
  std::string ppid(768, 'a');
  auto q = ParsePckQuery(std::nullopt, ppid, std::nullopt, kCpusvn, "0d00", "0000", true);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->identity.encrypted_ppid, std::string(768, 'A'));  // upper-cased
  EXPECT_TRUE(q->identity.qe_id.empty());
  ASSERT_TRUE(q->raw.has_value());
  EXPECT_EQ(q->raw->pcesvn, 13);  // "0D00" is little endian
  EXPECT_EQ(HexEncode(q->raw->cpusvn, true), kCpusvn);
  EXPECT_EQ(cache::PlatformIdOf(q->identity).rfind("ppid:", 0), 0u);

  // PCCS's form: the QE id identifies the platform; 768 zeros mean "no PPID".
  auto pccs = ParsePckQuery("00112233445566778899aabbccddeeff", std::string(768, '0'), std::nullopt, kCpusvn, "0100", "0000", true);
  ASSERT_TRUE(pccs.ok()) << pccs.status().ToString();
  EXPECT_TRUE(pccs->identity.encrypted_ppid.empty());
  EXPECT_EQ(pccs->raw->pcesvn, 1);
  EXPECT_EQ(cache::PlatformIdOf(pccs->identity), "00112233445566778899AABBCCDDEEFF-0000");

  auto manifest = ParsePckQuery(std::nullopt, std::nullopt, "abCD01", std::nullopt, std::nullopt, "0000", false);
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ(manifest->identity.platform_manifest, "ABCD01");
  EXPECT_FALSE(manifest->raw.has_value());
  EXPECT_EQ(cache::PlatformIdOf(manifest->identity).rfind("manifest:", 0), 0u);
}

TEST(PckQuery, EachMalformedFieldIsNamed) {
  std::string ppid(768, 'A'), zeros(768, '0'), long_qeid(261, 'A'), short_cpusvn = kCpusvn.substr(2);
  struct Case {
    std::optional<std::string_view> qeid, ppid, manifest, cpusvn, pcesvn, pceid;
    const char* names;
  };
  const Case cases[] = {
      {std::nullopt, ppid, std::nullopt, kCpusvn, "0000", std::nullopt, "pceid"},
      {std::nullopt, ppid, std::nullopt, kCpusvn, "0000", "00000", "pceid"},
      {std::nullopt, "ABC", std::nullopt, kCpusvn, "0000", "0000", "encrypted_ppid"},
      {std::nullopt, zeros, std::nullopt, kCpusvn, "0000", "0000", "all zeros"},
      {std::nullopt, std::nullopt, std::nullopt, kCpusvn, "0000", "0000", "required"},
      {"XYZ", std::nullopt, std::nullopt, kCpusvn, "0000", "0000", "qeid"},
      {long_qeid, std::nullopt, std::nullopt, kCpusvn, "0000", "0000", "qeid"},
      {std::nullopt, ppid, std::nullopt, std::nullopt, "0000", "0000", "cpusvn"},
      {std::nullopt, ppid, std::nullopt, short_cpusvn, "0000", "0000", "cpusvn"},
      {std::nullopt, ppid, std::nullopt, kCpusvn, std::nullopt, "0000", "pcesvn"},
      {std::nullopt, ppid, std::nullopt, kCpusvn, "0G00", "0000", "pcesvn"},
      {std::nullopt, std::nullopt, "ABC", std::nullopt, std::nullopt, "0000", "platformManifest"},
      {std::nullopt, std::nullopt, "", std::nullopt, std::nullopt, "0000", "platformManifest"},
  };
  for (const auto& c : cases) {
    auto q = ParsePckQuery(c.qeid, c.ppid, c.manifest, c.cpusvn, c.pcesvn, c.pceid, !c.manifest.has_value());
    ASSERT_FALSE(q.ok()) << c.names;
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(q.status().message().find(c.names), std::string::npos) << q.status().message();
  }
}

}  // namespace
}  // namespace thim::server
