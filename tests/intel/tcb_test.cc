// SGX TCB values (intel/tcb.h): the partial order, TcbNotAbove, tcbStatus
// names and the TCBm text form.
#include "intel/tcb.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

namespace thim::intel {
namespace {

SgxTcb T(std::initializer_list<uint8_t> c, uint16_t pcesvn) {
  SgxTcb t;
  std::copy(c.begin(), c.end(), t.components.begin());
  t.pcesvn = pcesvn;
  return t;
}

SgxTcb Uniform(uint8_t v, uint16_t pcesvn) {
  SgxTcb t;
  t.components.fill(v);
  t.pcesvn = pcesvn;
  return t;
}

TcbOrder Reverse(TcbOrder o) {
  switch (o) {
    case TcbOrder::kLess: return TcbOrder::kGreater;
    case TcbOrder::kGreater: return TcbOrder::kLess;
    default: return o;
  }
}

// --- CompareTcb ------------------------------------------------------------------

TEST(CompareTcb, Equal) {
  EXPECT_EQ(CompareTcb(SgxTcb{}, SgxTcb{}), TcbOrder::kEqual);
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({1, 2}, 3)), TcbOrder::kEqual);
  EXPECT_EQ(CompareTcb(Uniform(255, 65535), Uniform(255, 65535)), TcbOrder::kEqual);
  EXPECT_EQ(T({1, 2}, 3), T({1, 2}, 3));
  EXPECT_FALSE(T({1, 2}, 3) == T({1, 2}, 4));
}

TEST(CompareTcb, LessAndGreater) {
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({1, 3}, 3)), TcbOrder::kLess);
  EXPECT_EQ(CompareTcb(T({2, 2}, 3), T({1, 2}, 3)), TcbOrder::kGreater);
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({5, 5}, 9)), TcbOrder::kLess);  // lower everywhere
  EXPECT_EQ(CompareTcb(Uniform(0, 0), Uniform(255, 65535)), TcbOrder::kLess);
  EXPECT_EQ(CompareTcb(Uniform(255, 65535), Uniform(0, 0)), TcbOrder::kGreater);
}

TEST(CompareTcb, EveryComponentCounts) {
  for (size_t i = 0; i < 16; ++i) {
    SCOPED_TRACE(i);
    SgxTcb base = Uniform(5, 10);
    SgxTcb up = base;
    up.components[i] = 6;
    SgxTcb down = base;
    down.components[i] = 4;
    EXPECT_EQ(CompareTcb(up, base), TcbOrder::kGreater);
    EXPECT_EQ(CompareTcb(base, up), TcbOrder::kLess);
    EXPECT_EQ(CompareTcb(down, base), TcbOrder::kLess);
    EXPECT_EQ(CompareTcb(up, down), TcbOrder::kGreater);
    // Higher in this component, lower in another: incomparable.
    SgxTcb mixed = up;
    mixed.components[(i + 1) % 16] = 4;
    EXPECT_EQ(CompareTcb(mixed, base), TcbOrder::kIncomparable);
  }
}

TEST(CompareTcb, PcesvnOnlyDifferences) {
  EXPECT_EQ(CompareTcb(T({1, 2}, 4), T({1, 2}, 3)), TcbOrder::kGreater);
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({1, 2}, 4)), TcbOrder::kLess);
  // PCESVN is 16 bits; the high byte must count as well.
  EXPECT_EQ(CompareTcb(T({1, 2}, 0x0100), T({1, 2}, 0x00FF)), TcbOrder::kGreater);
  EXPECT_EQ(CompareTcb(T({}, 65535), T({}, 0)), TcbOrder::kGreater);
}

TEST(CompareTcb, Incomparable) {
  EXPECT_EQ(CompareTcb(T({2, 1}, 3), T({1, 2}, 3)), TcbOrder::kIncomparable);
  // Components higher but PCESVN lower, and the reverse.
  EXPECT_EQ(CompareTcb(T({2, 2}, 2), T({1, 2}, 3)), TcbOrder::kIncomparable);
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({2, 2}, 2)), TcbOrder::kIncomparable);
  EXPECT_EQ(CompareTcb(Uniform(255, 0), Uniform(0, 1)), TcbOrder::kIncomparable);
  // First and last components pull opposite ways.
  SgxTcb a, b;
  a.components[0] = 1;
  b.components[15] = 1;
  EXPECT_EQ(CompareTcb(a, b), TcbOrder::kIncomparable);
}

TEST(CompareTcb, IsAntisymmetricOverASample) {
  std::vector<SgxTcb> sample;
  for (uint8_t c0 : {0, 1, 2})
    for (uint8_t c15 : {0, 3})
      for (uint16_t p : {0, 7, 300}) {
        SgxTcb t = Uniform(2, p);
        t.components[0] = c0;
        t.components[15] = c15;
        sample.push_back(t);
      }
  for (const auto& a : sample)
    for (const auto& b : sample) {
      TcbOrder ab = CompareTcb(a, b);
      EXPECT_EQ(CompareTcb(b, a), Reverse(ab));
      EXPECT_EQ(ab == TcbOrder::kEqual, a == b);
      EXPECT_EQ(TcbNotAbove(a, b), ab == TcbOrder::kLess || ab == TcbOrder::kEqual);
    }
}

// --- TcbNotAbove -----------------------------------------------------------------

TEST(TcbNotAbove, FollowsThePartialOrder) {
  EXPECT_TRUE(TcbNotAbove(T({1, 2}, 3), T({1, 2}, 3)));    // equal
  EXPECT_TRUE(TcbNotAbove(T({1, 2}, 3), T({5, 5}, 9)));    // less
  EXPECT_TRUE(TcbNotAbove(T({1, 2}, 3), T({1, 2}, 4)));    // less by PCESVN only
  EXPECT_FALSE(TcbNotAbove(T({1, 2}, 4), T({1, 2}, 3)));   // greater by PCESVN only
  EXPECT_FALSE(TcbNotAbove(T({2, 2}, 3), T({1, 2}, 3)));   // greater
  EXPECT_FALSE(TcbNotAbove(T({2, 1}, 3), T({1, 2}, 3)));   // incomparable
  EXPECT_FALSE(TcbNotAbove(T({1, 2}, 3), T({2, 1}, 3)));   // incomparable, either way round
  EXPECT_FALSE(TcbNotAbove(T({0, 0}, 4), T({9, 9}, 3)));   // components below but PCESVN above
  EXPECT_TRUE(TcbNotAbove(SgxTcb{}, Uniform(0, 0)));
}

// --- TcbStatus ---------------------------------------------------------------------

TEST(TcbStatus, NamesAreIntelsExactStrings) {
  EXPECT_EQ(TcbStatusName(TcbStatus::kUpToDate), "UpToDate");
  EXPECT_EQ(TcbStatusName(TcbStatus::kSWHardeningNeeded), "SWHardeningNeeded");
  EXPECT_EQ(TcbStatusName(TcbStatus::kConfigurationNeeded), "ConfigurationNeeded");
  EXPECT_EQ(TcbStatusName(TcbStatus::kConfigurationAndSWHardeningNeeded), "ConfigurationAndSWHardeningNeeded");
  EXPECT_EQ(TcbStatusName(TcbStatus::kOutOfDate), "OutOfDate");
  EXPECT_EQ(TcbStatusName(TcbStatus::kOutOfDateConfigurationNeeded), "OutOfDateConfigurationNeeded");
  EXPECT_EQ(TcbStatusName(TcbStatus::kRevoked), "Revoked");
  EXPECT_EQ(TcbStatusName(static_cast<TcbStatus>(99)), "Unknown");
}

TEST(TcbStatus, NamesRoundTrip) {
  for (auto s : {TcbStatus::kUpToDate, TcbStatus::kSWHardeningNeeded, TcbStatus::kConfigurationNeeded,
                 TcbStatus::kConfigurationAndSWHardeningNeeded, TcbStatus::kOutOfDate,
                 TcbStatus::kOutOfDateConfigurationNeeded, TcbStatus::kRevoked}) {
    auto parsed = ParseTcbStatus(TcbStatusName(s));
    ASSERT_TRUE(parsed.ok()) << TcbStatusName(s);
    EXPECT_EQ(*parsed, s);
  }
}

TEST(TcbStatus, UnknownAndCaseMismatchedNamesAreRejected) {
  for (const char* bad : {"", "uptodate", "UPTODATE", "upToDate", "Uptodate", "UpToDate ", " UpToDate", "UpToDate\n",
                          "swHardeningNeeded", "SwHardeningNeeded", "HardeningNeeded",  // a mis-transcribed name
                          "OutOfDateConfigurationneeded", "ConfigurationAndSwHardeningNeeded", "revoked", "Unknown",
                          "OutOfDate_ConfigurationNeeded", "\"UpToDate\""}) {
    auto r = ParseTcbStatus(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
  EXPECT_EQ(ParseTcbStatus(std::string_view("UpToDate\0", 9)).status().code(), StatusCode::kInvalidArgument);
}

TEST(TcbStatus, ErrorMessageQuotesAndBoundsTheInput) {
  auto r = ParseTcbStatus("Bogus");
  EXPECT_NE(r.status().message().find("\"Bogus\""), std::string::npos);
  std::string huge(10000, 'A');
  auto h = ParseTcbStatus(huge);
  EXPECT_FALSE(h.ok());
  EXPECT_LT(h.status().message().size(), 200u);
}

// --- TCBm --------------------------------------------------------------------------

TEST(Tcbm, RealHeaderExample) {
  // SGX-TCBm as PCS sends it: CPUSVN 0A0A0202020104000000000000000000, PCESVN 11 (0B00 little endian).
  const char* kTcbm = "0A0A02020201040000000000000000000B00";
  auto t = ParseTcbm(kTcbm);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->cpusvn, (Bytes{0x0A, 0x0A, 0x02, 0x02, 0x02, 0x01, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(t->pcesvn, 11);
  EXPECT_EQ(FormatTcbm(t->cpusvn, t->pcesvn), kTcbm);
}

TEST(Tcbm, PcesvnIsLittleEndian) {
  Bytes cpusvn(16, 0);
  EXPECT_EQ(FormatTcbm(cpusvn, 11), "000000000000000000000000000000000B00");
  EXPECT_EQ(FormatTcbm(cpusvn, 0x1234), "000000000000000000000000000000003412");
  EXPECT_EQ(FormatTcbm(cpusvn, 0xFFFF), "00000000000000000000000000000000FFFF");
  EXPECT_EQ(ParseTcbm("000000000000000000000000000000003412")->pcesvn, 0x1234);
  EXPECT_EQ(ParseTcbm("00000000000000000000000000000000000B")->pcesvn, 0x0B00);  // not 11
  EXPECT_EQ(ParseTcbm("00000000000000000000000000000000FFFF")->pcesvn, 0xFFFF);
}

TEST(Tcbm, FormatIsUpperCaseParseAcceptsEitherCase) {
  Bytes cpusvn = {0xAB, 0xCD, 0xEF, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF};
  std::string text = FormatTcbm(cpusvn, 0xBEEF);
  EXPECT_EQ(text, "ABCDEF0A0000000000000000000000FFEFBE");
  EXPECT_EQ(text.size(), 36u);
  std::string lower = "abcdef0a0000000000000000000000ffefbe";
  auto t = ParseTcbm(lower);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->cpusvn, cpusvn);
  EXPECT_EQ(t->pcesvn, 0xBEEF);
}

TEST(Tcbm, RoundTrips) {
  for (uint16_t pcesvn : {0, 1, 11, 255, 256, 0x8000, 65535}) {
    Bytes cpusvn(16);
    for (size_t i = 0; i < 16; ++i) cpusvn[i] = static_cast<uint8_t>(pcesvn + i * 17);
    auto t = ParseTcbm(FormatTcbm(cpusvn, pcesvn));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->cpusvn, cpusvn);
    EXPECT_EQ(t->pcesvn, pcesvn);
  }
}

TEST(Tcbm, RejectsWrongLengthAndNonHex) {
  for (const char* bad : {"", "0A0A", "0A0A02020201040000000000000000000B",      // 34
                          "0A0A02020201040000000000000000000B0",                    // 35
                          "0A0A02020201040000000000000000000B000",                  // 37
                          "0A0A02020201040000000000000000000B0000",                 // 38
                          "ZZ0A02020201040000000000000000000B00", "0A0A0202020104000000000000000000 B00",
                          "0x0A02020201040000000000000000000B00", "0A0A02020201040000000000000000000B0G"}) {
    auto r = ParseTcbm(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace thim::intel
