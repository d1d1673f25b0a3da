// A platform seeded whole into the QPL's cache: Intel's selection on it, and
// malformed (file-borne) entries refused with a reason, never a crash.
#include "qpl/platform_entry.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <utility>
#include <vector>

namespace thim::qpl {
namespace {

// TCBm text: 16 components all `c` (pcesvn `p`, little endian).
std::string Tcbm(int c, int p) {
  char buf[40];
  std::string out;
  for (int i = 0; i < 16; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", c);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%02X%02X", p & 0xFF, p >> 8);
  return out + buf;
}

SeededPlatform TwoLevels() {
  return SeededPlatform{.qeid = std::string(32, 'A'), .pceid = "0000",
                        .certs = {{.tcbm = Tcbm(2, 11), .pem = "HIGH"}, {.tcbm = Tcbm(1, 10), .pem = "LOW"}},
                        .chain = "CHAIN", .levels = {Tcbm(2, 11), Tcbm(1, 10)}};
}

std::string Raw(const std::string& tcbm, bool cpusvn) { return cpusvn ? tcbm.substr(0, 32) : tcbm.substr(32); }

TEST(PlatformEntry, PicksTheHighestCertificateNotAboveTheRawTcb) {
  CachedItem e = MakePlatformEntry(TwoLevels(), 100);
  EXPECT_EQ(e.expires, 100);
  EXPECT_EQ(PlatformEntryKey(std::string(32, 'A'), "0000"), "pckcerts/" + std::string(32, 'A') + "/0000");
  std::string why;
  auto at_high = SelectFromPlatformEntry(e, Raw(Tcbm(2, 11), true), Raw(Tcbm(2, 11), false), &why);
  ASSERT_TRUE(at_high) << why;
  EXPECT_EQ(at_high->cert, "HIGH");
  EXPECT_EQ(at_high->tcbm, Tcbm(2, 11));
  EXPECT_EQ(at_high->chain, "CHAIN");
  auto above = SelectFromPlatformEntry(e, Raw(Tcbm(9, 11), true), Raw(Tcbm(9, 11), false), &why);
  ASSERT_TRUE(above) << why;
  EXPECT_EQ(above->cert, "HIGH");
  auto pce_behind = SelectFromPlatformEntry(e, Raw(Tcbm(2, 10), true), Raw(Tcbm(2, 10), false), &why);
  ASSERT_TRUE(pce_behind) << why;
  EXPECT_EQ(pce_behind->cert, "LOW");  // PCESVN 10 < 11: the high certificate is above it
  EXPECT_FALSE(SelectFromPlatformEntry(e, Raw(Tcbm(0, 10), true), Raw(Tcbm(0, 10), false), &why));
  EXPECT_NE(why.find("above the raw TCB"), std::string::npos) << why;
}

TEST(PlatformEntry, MalformedEntriesAreRefusedWithAReason) {
  const std::string cpusvn = Raw(Tcbm(2, 11), true), pcesvn = Raw(Tcbm(2, 11), false);
  auto with = [](const std::string& field, const std::string& value) {
    CachedItem e = MakePlatformEntry(TwoLevels(), 100);
    e.fields[field] = value;
    return e;
  };
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"certs", "not json"}, {"certs", "[]"}, {"certs", "{}"}, {"certs", "[1]"}, {"certs", R"([{"tcbm":"00","cert":"x"}])"},
           {"certs", R"([{"tcbm":7,"cert":"x"}])"}, {"certs", R"([{"cert":"x"}])"}, {"levels", "[]"}, {"levels", "[\"zz\"]"},
           {"levels", "[3]"}, {"levels", "null"}}) {
    std::string why;
    EXPECT_FALSE(SelectFromPlatformEntry(with(field, value), cpusvn, pcesvn, &why)) << field << "=" << value;
    EXPECT_FALSE(why.empty()) << field << "=" << value;
  }
  std::string why;
  EXPECT_FALSE(SelectFromPlatformEntry(MakePlatformEntry(TwoLevels(), 1), "12", pcesvn, &why));
  EXPECT_EQ(why, "the raw TCB is malformed");
}

}  // namespace
}  // namespace thim::qpl
