#include "cache/bundle.h"

#include <gtest/gtest.h>

namespace thim::cache {
namespace {

TEST(Bundle, RoundTripIsByteExact) {
  BundleItem a{.key = *MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = "00906ED50000"})};
  a.document.body = std::string("{\"tcbInfo\":{}}\n\x00\xff", 17);
  a.document.issuer_chain = "-----BEGIN%20CERTIFICATE-----%0A";
  a.document.content_type = "application/json";
  CollateralKey root;
  root.kind = CollateralKind::kRootCaCrl;
  BundleItem b{.key = root};
  b.document.body = std::string("\x30\x82\x01\x00", 4);
  std::string text = WriteBundle({.items = {a, b}}, *ParseRfc3339("2026-01-01T00:00:00Z"));
  auto bundle = ReadBundle(text);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_TRUE(bundle->platforms.empty());
  EXPECT_EQ(text.find("platforms"), std::string::npos);
  const auto* items = &bundle->items;
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].key, a.key);
  EXPECT_EQ((*items)[0].document.body, a.document.body);
  EXPECT_EQ((*items)[0].document.issuer_chain, a.document.issuer_chain);
  EXPECT_EQ((*items)[1].document.body, b.document.body);
  EXPECT_EQ((*items)[1].document.http_status, 200);
}

TEST(Bundle, PlatformsRoundTrip) {
  store::PlatformRecord p;
  p.id = "00112233445566778899AABBCCDDEEFF-0000";
  p.qe_id = "00112233445566778899AABBCCDDEEFF";
  p.pce_id = "0000";
  p.encrypted_ppid = std::string(768, 'A');
  p.platform_manifest = "ABCD";
  p.fmspc = "00906ED50000";
  p.ca_type = "platform";
  p.ppid = std::string(32, '1');
  p.pck_certs = std::string("[{\"tcb\":{}}]\n\x00", 15);
  p.issuer_chain = "-----BEGIN%20CERTIFICATE-----%0A";
  p.certs_fetched_at = 1764000000;
  p.levels_eval_number = 18;
  p.registered_at = 1763000000;
  p.raw_tcbs = "0C0C0204018000000000000000000000:13";
  auto bundle = ReadBundle(WriteBundle({.platforms = {p}}, *ParseRfc3339("2026-01-01T00:00:00Z")));
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->platforms.size(), 1u);
  const auto& q = bundle->platforms[0];
  EXPECT_EQ(q.id, p.id);
  EXPECT_EQ(q.qe_id, p.qe_id);
  EXPECT_EQ(q.encrypted_ppid, p.encrypted_ppid);
  EXPECT_EQ(q.platform_manifest, p.platform_manifest);
  EXPECT_EQ(q.pck_certs, p.pck_certs);  // byte-exact, NUL included
  EXPECT_EQ(q.issuer_chain, p.issuer_chain);
  EXPECT_EQ(q.certs_fetched_at, p.certs_fetched_at);
  EXPECT_EQ(q.levels_eval_number, 18);
  EXPECT_EQ(q.registered_at, p.registered_at);
  EXPECT_EQ(q.raw_tcbs, p.raw_tcbs);
}

TEST(Bundle, MalformedPlatforms) {
  std::string head = R"({"format":"thim-bundle","version":1,"items":[],"platforms":)";
  auto platform = [](const std::string& id, const std::string& pce) {
    return R"({"id":")" + id + R"(","qeId":"","pceId":")" + pce +
           R"(","encryptedPpid":"","platformManifest":"","fmspc":"","caType":"","ppid":"","pckCerts":"","issuerChain":"",)"
           R"("certsFetchedAt":0,"levelsEvaluationDataNumber":-1,"registeredAt":0,"rawTcbs":""})";
  };
  EXPECT_TRUE(ReadBundle(head + "[" + platform("a", "0000") + "]}").ok());
  auto r = ReadBundle(head + "[" + platform("a", "0000") + "," + platform("a", "0000") + "]}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("appears twice"), std::string::npos);
  r = ReadBundle(head + "[" + platform("a", "00") + "]}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bundle.platforms[0].pceId"), std::string::npos) << r.status().message();
  r = ReadBundle(head + "[" + platform("", "0000") + "]}");
  ASSERT_FALSE(r.ok());
  r = ReadBundle(head + "{}}");
  ASSERT_FALSE(r.ok());
  std::string extra = platform("a", "0000");
  extra.insert(1, R"("surprise":1,)");
  EXPECT_FALSE(ReadBundle(head + "[" + extra + "]}").ok());
}

TEST(Bundle, MalformedBundles) {
  auto bad = [](const std::string& text, const std::string& where) {
    auto r = ReadBundle(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(where), std::string::npos) << r.status().message();
  };
  bad("", "malformed");
  bad(R"({"format":"pccs","version":1,"items":[]})", "bundle.format");
  bad(R"({"format":"thim-bundle","version":2,"items":[]})", "bundle.version");
  bad(R"({"format":"thim-bundle","version":1,"items":{}})", "bundle.items");
  bad(R"({"format":"thim-bundle","version":1,"items":[{"key":"nope","contentType":"","body":"","issuerChain":""}]})", "bundle.items[0].key");
  std::string key = "intel/rootcacrl";
  bad(R"({"format":"thim-bundle","version":1,"items":[{"key":")" + key + R"(","contentType":"","body":"!!","issuerChain":""}]})",
      "bundle.items[0].body");
  std::string item = R"({"key":")" + key + R"(","contentType":"","body":"MAA=","issuerChain":""})";
  bad(R"({"format":"thim-bundle","version":1,"items":[)" + item + "," + item + "]}", "appears twice");
  EXPECT_TRUE(ReadBundle(R"({"format":"thim-bundle","version":1,"items":[)" + item + "]}").ok());
}

TEST(Bundle, AmdSectionRoundTripsByteExact) {
  Bytes chip(64, 0xab);
  AmdBundle section;
  section.chains.push_back({.key = {.type = amd::AmdItemType::kChain, .product = amd::Product::kGenoa, .kind = amd::KeyKind::kVlek},
                        .body = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n\"\\"});
  section.crls.push_back({.key = {.type = amd::AmdItemType::kCrl, .product = amd::Product::kTurin, .kind = amd::KeyKind::kVcek},
                      .body = std::string("\x30\x82\x00\xff\x00", 5)});
  section.vceks.push_back({.key = {.type = amd::AmdItemType::kVcek, .product = amd::Product::kMilan, .kind = amd::KeyKind::kVcek,
                               .hw_id = chip, .tcb = 0x7308000000000003},
                       .body = std::string("\x30\x00\x01", 3)});
  std::string text = WriteBundle({.amd = section}, *ParseRfc3339("2026-01-01T00:00:00Z"));
  EXPECT_NE(text.find(R"("key": "amd/vcek/Milan/)" + HexEncode(chip) + R"(?tcb=7308000000000003")"), std::string::npos) << text;
  auto bundle = ReadBundle(text);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->amd.chains.size(), 1u);
  EXPECT_EQ(bundle->amd.chains[0].body, section.chains[0].body);  // PEM text as is
  EXPECT_EQ(bundle->amd.chains[0].key.kind, amd::KeyKind::kVlek);
  EXPECT_EQ(bundle->amd.chains[0].key.product, amd::Product::kGenoa);
  ASSERT_EQ(bundle->amd.crls.size(), 1u);
  EXPECT_EQ(bundle->amd.crls[0].body, section.crls[0].body);  // DER, NUL included
  ASSERT_EQ(bundle->amd.vceks.size(), 1u);
  EXPECT_EQ(bundle->amd.vceks[0].body, section.vceks[0].body);
  EXPECT_EQ(bundle->amd.vceks[0].key.hw_id, chip);
  EXPECT_EQ(bundle->amd.vceks[0].key.tcb, 0x7308000000000003u);
  // Without AMD items there is no section, and a bundle without one (older thim) reads fine.
  EXPECT_EQ(WriteBundle({}, *ParseRfc3339("2026-01-01T00:00:00Z")).find("\"amd\""), std::string::npos);
  auto old = ReadBundle(R"({"format":"thim-bundle","version":1,"created":"2025-01-01T00:00:00Z","items":[]})");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->amd.empty());
}

TEST(Bundle, MalformedAmdSection) {
  auto bad = [](const std::string& section, const std::string& where) {
    auto r = ReadBundle(R"({"format":"thim-bundle","version":1,"items":[],"amd":)" + section + "}");
    ASSERT_FALSE(r.ok()) << section;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(where), std::string::npos) << r.status().message();
  };
  std::string chip(128, 'a');
  bad("[]", "bundle.amd");
  bad(R"({"vlek":[]})", "vlek");
  bad(R"({"crls":[{"key":"amd/crl/vcek/Siena","der":""}]})", "bundle.amd.crls[0].key");
  bad(R"({"crls":[{"key":"amd/crl/vcek/milan","der":""}]})", "bundle.amd.crls[0].key");
  bad(R"({"crls":[{"key":"amd/cert_chain/vcek/Milan","der":""}]})", "not a key of the crls list");
  bad(R"({"crls":[{"key":"amd/crl/vcek/Milan","der":"!!"}]})", "bundle.amd.crls[0].der");
  bad(R"({"crls":[{"key":"amd/crl/vcek/Milan","pem":""}]})", "bundle.amd.crls[0]");
  bad(R"({"chains":[{"key":"amd/cert_chain/vcek/Milan","pem":1}]})", "bundle.amd.chains[0].pem");
  bad(R"({"vceks":[{"key":"amd/vcek/Milan/abcd?tcb=7308000000000003","der":""}]})", "hwID");
  bad(R"({"vceks":[{"key":"amd/vcek/Milan/)" + chip + R"(?tcb=7308","der":""}]})", "TCB");
  bad(R"({"vceks":[{"key":"amd/vcek/Milan/)" + chip + R"(?tcb=7308000000000003","der":""},)"
      R"({"key":"amd/vcek/Milan/)" + chip + R"(?tcb=7308000000000003","der":""}]})", "appears twice");
  bad(R"({"vceks":[{"key":"amd/vcek/Milan/)" + std::string(128, 'A') + R"(?tcb=7308000000000003","der":""}]})", "canonical");
  EXPECT_TRUE(ReadBundle(R"({"format":"thim-bundle","version":1,"items":[],"amd":{"crls":[]}})").ok());
}

}  // namespace
}  // namespace thim::cache
