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
  std::string text = WriteBundle({a, b}, *ParseRfc3339("2026-01-01T00:00:00Z"));
  auto items = ReadBundle(text);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].key, a.key);
  EXPECT_EQ((*items)[0].document.body, a.document.body);
  EXPECT_EQ((*items)[0].document.issuer_chain, a.document.issuer_chain);
  EXPECT_EQ((*items)[1].document.body, b.document.body);
  EXPECT_EQ((*items)[1].document.http_status, 200);
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

}  // namespace
}  // namespace thim::cache
