// QVL's convergence tables (reference intel-qpl-qvl.md §4.7), cell by cell.
#include "verify/tcb_status.h"

#include <gtest/gtest.h>

namespace thim::verify {
namespace {

using intel::TcbStatus;
using V = Verdict;

TEST(TcbStatusTest, ModuleStatusMerge) {
  struct Row {
    V level;
    V with_out_of_date_module;
  } rows[] = {
      {V::kUpToDate, V::kOutOfDate},
      {V::kSWHardeningNeeded, V::kOutOfDate},
      {V::kConfigurationNeeded, V::kOutOfDateConfigurationNeeded},
      {V::kConfigurationAndSWHardeningNeeded, V::kOutOfDateConfigurationNeeded},
      {V::kOutOfDate, V::kOutOfDate},
      {V::kOutOfDateConfigurationNeeded, V::kOutOfDateConfigurationNeeded},
      {V::kRevoked, V::kRevoked},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(ConvergeWithTdxModule(r.level, TcbStatus::kOutOfDate), r.with_out_of_date_module) << VerdictName(r.level);
    EXPECT_EQ(ConvergeWithTdxModule(r.level, TcbStatus::kUpToDate), r.level);
    EXPECT_EQ(ConvergeWithTdxModule(r.level, TcbStatus::kRevoked), V::kRevoked);
  }
}

TEST(TcbStatusTest, QeStatusMerge) {
  EXPECT_EQ(ConvergeWithQe(V::kUpToDate, QeStatus::kOutOfDate), V::kOutOfDate);
  EXPECT_EQ(ConvergeWithQe(V::kSWHardeningNeeded, QeStatus::kOutOfDate), V::kOutOfDate);
  EXPECT_EQ(ConvergeWithQe(V::kConfigurationNeeded, QeStatus::kOutOfDate), V::kOutOfDateConfigurationNeeded);
  EXPECT_EQ(ConvergeWithQe(V::kConfigurationAndSWHardeningNeeded, QeStatus::kOutOfDate), V::kOutOfDateConfigurationNeeded);
  EXPECT_EQ(ConvergeWithQe(V::kTdRelaunchAdvised, QeStatus::kOutOfDate), V::kTdRelaunchAdvised);
  EXPECT_EQ(ConvergeWithQe(V::kUpToDate, QeStatus::kRevoked), V::kRevoked);
  EXPECT_EQ(ConvergeWithQe(V::kOutOfDate, QeStatus::kNotSupported), V::kTcbNotSupported);
  EXPECT_EQ(ConvergeWithQe(V::kConfigurationNeeded, QeStatus::kUpToDate), V::kConfigurationNeeded);
}

TEST(TcbStatusTest, NamesRoundTrip) {
  for (V v : {V::kUpToDate, V::kSWHardeningNeeded, V::kConfigurationNeeded, V::kConfigurationAndSWHardeningNeeded, V::kOutOfDate,
              V::kOutOfDateConfigurationNeeded, V::kTdRelaunchAdvised, V::kTdRelaunchAdvisedConfigurationNeeded, V::kRevoked,
              V::kTcbNotSupported, V::kInvalid}) {
    EXPECT_EQ(*ParseVerdict(VerdictName(v)), v);
  }
  EXPECT_FALSE(ParseVerdict("uptodate").ok());
  EXPECT_EQ(VerdictOf(TcbStatus::kOutOfDateConfigurationNeeded), V::kOutOfDateConfigurationNeeded);
}

}  // namespace
}  // namespace thim::verify
