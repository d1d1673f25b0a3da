#include "intel/tcb.h"

#include <gtest/gtest.h>

namespace thim::intel {
namespace {

SgxTcb T(std::initializer_list<uint8_t> c, uint16_t pcesvn) {
  SgxTcb t;
  std::copy(c.begin(), c.end(), t.components.begin());
  t.pcesvn = pcesvn;
  return t;
}

TEST(Tcb, PartialOrder) {
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({1, 2}, 3)), TcbOrder::kEqual);
  EXPECT_EQ(CompareTcb(T({1, 2}, 3), T({1, 3}, 3)), TcbOrder::kLess);
  EXPECT_EQ(CompareTcb(T({2, 2}, 3), T({1, 2}, 3)), TcbOrder::kGreater);
  EXPECT_EQ(CompareTcb(T({2, 1}, 3), T({1, 2}, 3)), TcbOrder::kIncomparable);
  EXPECT_EQ(CompareTcb(T({1, 2}, 4), T({1, 2}, 3)), TcbOrder::kGreater);  // PCESVN alone
  EXPECT_EQ(CompareTcb(T({2, 2}, 2), T({1, 2}, 3)), TcbOrder::kIncomparable);
  EXPECT_TRUE(TcbNotAbove(T({1, 2}, 3), T({1, 2}, 3)));
  EXPECT_TRUE(TcbNotAbove(T({1, 2}, 3), T({5, 5}, 9)));
  EXPECT_FALSE(TcbNotAbove(T({2, 1}, 3), T({1, 2}, 3)));
  SgxTcb high;
  high.components[15] = 1;
  EXPECT_EQ(CompareTcb(high, SgxTcb{}), TcbOrder::kGreater);  // the last component counts too
}

TEST(Tcb, StatusNames) {
  for (auto s : {TcbStatus::kUpToDate, TcbStatus::kSWHardeningNeeded, TcbStatus::kConfigurationNeeded,
                 TcbStatus::kConfigurationAndSWHardeningNeeded, TcbStatus::kOutOfDate, TcbStatus::kOutOfDateConfigurationNeeded,
                 TcbStatus::kRevoked})
    EXPECT_EQ(*ParseTcbStatus(TcbStatusName(s)), s);
  EXPECT_FALSE(ParseTcbStatus("uptodate").ok());
  EXPECT_FALSE(ParseTcbStatus("HardeningNeeded").ok());  // the transcription's wrong name
  EXPECT_FALSE(ParseTcbStatus("").ok());
}

TEST(Tcb, Tcbm) {
  auto t = ParseTcbm("0A0A02020201040000000000000000000B00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->pcesvn, 11);
  EXPECT_EQ(t->cpusvn[0], 0x0A);
  EXPECT_EQ(FormatTcbm(t->cpusvn, t->pcesvn), "0A0A02020201040000000000000000000B00");
  EXPECT_FALSE(ParseTcbm("0A0A").ok());
  EXPECT_FALSE(ParseTcbm("ZZ0A02020201040000000000000000000B00").ok());
}

}  // namespace
}  // namespace thim::intel
