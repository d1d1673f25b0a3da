// Field values of every real Intel document not already pinned in
// signed_collateral_test.cc, against ../shared/testdata/real/README.md.
#include <gtest/gtest.h>

#include "intel/enclave_identity.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::ReadRealString;

TEST(RealValues, TdxTcbInfoVariantsCarryTheSameLevels) {
  auto standard = ParseTcbInfo(ReadRealString("teepot/extracted/tdx_tcb_info.body"));
  ASSERT_TRUE(standard.ok()) << standard.status().ToString();
  for (const char* path : {"teepot/extracted/tdx_tcb_info_00806F050000.body", "teepot/extracted/tdx_tcb_info_eval17.body"}) {
    auto t = ParseTcbInfo(ReadRealString(path));
    ASSERT_TRUE(t.ok()) << path << ": " << t.status().ToString();
    EXPECT_EQ(t->id, TeeType::kTdx);
    EXPECT_EQ(t->FmspcHex(), "00806F050000");
    EXPECT_EQ(t->tcb_evaluation_data_number, 17u);
    ASSERT_EQ(t->levels.size(), standard->levels.size());
    for (size_t i = 0; i < t->levels.size(); ++i) {
      EXPECT_EQ(t->levels[i].sgx, standard->levels[i].sgx);
      EXPECT_EQ(t->levels[i].tdx, standard->levels[i].tdx);
      EXPECT_EQ(t->levels[i].status, standard->levels[i].status);
      EXPECT_EQ(t->levels[i].advisory_ids, standard->levels[i].advisory_ids);
    }
    EXPECT_NE(t->document.signature, standard->document.signature);
  }
  EXPECT_EQ(FormatRfc3339(ParseTcbInfo(ReadRealString("teepot/extracted/tdx_tcb_info_00806F050000.body"))->issue_date),
            "2025-05-27T19:25:02Z");
  // The levels as the README lists them.
  const auto& l = standard->levels;
  EXPECT_EQ((std::vector<TcbStatus>{l[0].status, l[1].status, l[2].status, l[3].status}),
            (std::vector<TcbStatus>{TcbStatus::kUpToDate, TcbStatus::kOutOfDate, TcbStatus::kOutOfDate, TcbStatus::kOutOfDate}));
  EXPECT_EQ(l[1].advisory_ids, (std::vector<std::string>{"INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986"}));
  EXPECT_EQ(l[3].sgx.pcesvn, 5);
  EXPECT_EQ(FormatRfc3339(l[3].tcb_date), "2018-01-04T00:00:00Z");
  EXPECT_EQ(standard->tdx_module->attributes, Bytes(8, 0));
  EXPECT_EQ(standard->tdx_module->attributes_mask, Bytes(8, 0xff));
  const auto& tdx01 = standard->tdx_module_identities[1];
  ASSERT_EQ(tdx01.levels.size(), 2u);
  EXPECT_EQ(tdx01.levels[1].isvsvn, 2);
  EXPECT_EQ(tdx01.levels[1].status, TcbStatus::kOutOfDate);
}

TEST(RealValues, SgxTcbInfoV2FlatFormat) {
  auto t = ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_v3.body"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->version, 2);
  EXPECT_EQ(t->id, TeeType::kSgx);
  EXPECT_EQ(t->FmspcHex(), "00906ED50000");
  EXPECT_EQ(t->PceIdHex(), "0000");
  EXPECT_EQ(t->tcb_evaluation_data_number, 17u);
  EXPECT_EQ(t->levels[0].status, TcbStatus::kSWHardeningNeeded);
  EXPECT_EQ(t->levels[0].sgx.components, (std::array<uint8_t, 16>{21, 21, 2, 4, 1, 128, 14}));
  EXPECT_EQ(t->levels[0].sgx.pcesvn, 13);
  EXPECT_FALSE(t->tdx_module);
  // The byte-identical alternative capture parses identically.
  auto alt = ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_alt.body"));
  ASSERT_TRUE(alt.ok());
  EXPECT_EQ(alt->document.text, ParseTcbInfo(ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body"))->document.text);
}

TEST(RealValues, GoTdxGuestTcbInfos) {
  auto t = ParseTcbInfo(ReadRealString("go-tdx-guest/testing/testdata/sample_tcbInfo_response"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->id, TeeType::kTdx);
  EXPECT_EQ(t->fmspc, (Bytes{0x50, 0x80, 0x6f, 0x00, 0x00, 0x00}));  // served in lower case
  EXPECT_EQ(FormatRfc3339(t->issue_date), "2023-06-18T08:42:58Z");
  ASSERT_EQ(t->levels.size(), 2u);
  EXPECT_EQ(t->levels[0].status, TcbStatus::kUpToDate);
  EXPECT_EQ((*t->levels[0].tdx)[2], 5);
  EXPECT_TRUE(t->tdx_module_identities.empty());
  EXPECT_EQ(t->document.text.back(), '\n');  // served with a trailing newline; kept byte-exact
  EXPECT_EQ(t->document.SignedBytes().back(), '}');

  auto v5 = ParseTcbInfo(ReadRealString("go-tdx-guest/testing/testdata/sample_tcbinfo_response_v5"));
  ASSERT_TRUE(v5.ok());
  ASSERT_EQ(v5->levels.size(), 3u);
  EXPECT_EQ(v5->levels[0].sgx.pcesvn, 13);
  EXPECT_EQ(v5->tdx_module_identities.size(), 2u);
  EXPECT_EQ(FormatRfc3339(v5->next_update), "2026-03-03T14:49:26Z");
}

TEST(RealValues, MobilecoinTcbInfo) {
  auto t = ParseTcbInfo(ReadRealString("mobilecoin-attestation/verifier/data/tests/fmspc_00906ED50000_2023_07_12.json"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->id, TeeType::kSgx);
  EXPECT_EQ(t->version, 3);
  EXPECT_EQ(t->FmspcHex(), "00906ED50000");
  EXPECT_EQ(t->tcb_evaluation_data_number, 15u);
  EXPECT_EQ(t->levels.size(), 17u);
  EXPECT_EQ(t->levels[0].status, TcbStatus::kSWHardeningNeeded);
  EXPECT_EQ(t->levels[0].sgx.components[0], 20);
  EXPECT_EQ(FormatRfc3339(t->next_update), "2023-08-11T19:56:44Z");
}

TEST(RealValues, Identities) {
  auto qve = ParseEnclaveIdentity(ReadRealString("teepot/extracted/sgx_qve_identity.body"));
  ASSERT_TRUE(qve.ok()) << qve.status().ToString();
  EXPECT_EQ(qve->id, EnclaveId::kQve);
  EXPECT_EQ(qve->isvprodid, 2);
  ASSERT_EQ(qve->levels.size(), 1u);
  EXPECT_EQ(qve->levels[0].isvsvn, 3);
  EXPECT_EQ(HexEncode(qve->mrsigner, true), "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");

  // The v3 API serves the same identity without advisoryIDs.
  auto v3 = ParseEnclaveIdentity(ReadRealString("teepot/extracted/sgx_qe_identity_v3.body"));
  auto v4 = ParseEnclaveIdentity(ReadRealString("teepot/extracted/sgx_qe_identity.body"));
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  ASSERT_EQ(v3->levels.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_TRUE(v3->levels[i].advisory_ids.empty());
    EXPECT_EQ(v3->levels[i].isvsvn, v4->levels[i].isvsvn);
    EXPECT_EQ(v3->levels[i].status, v4->levels[i].status);
  }
  EXPECT_FALSE(v4->levels[1].advisory_ids.empty());

  auto td = ParseEnclaveIdentity(ReadRealString("teepot/extracted/tdx_qe_identity.body"));
  ASSERT_TRUE(td.ok());
  EXPECT_EQ(HexEncode(td->mrsigner, true), "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5");
  EXPECT_EQ(td->miscselect, Bytes(4, 0));
  EXPECT_EQ(td->miscselect_mask, Bytes(4, 0xff));
  EXPECT_EQ(HexEncode(td->attributes, true), "11000000000000000000000000000000");
  EXPECT_EQ(td->levels[0].isvsvn, 4);

  auto go = ParseEnclaveIdentity(ReadRealString("go-tdx-guest/testing/testdata/sample_qeIdentity_response"));
  ASSERT_TRUE(go.ok()) << go.status().ToString();
  EXPECT_EQ(go->id, EnclaveId::kTdQe);
  EXPECT_EQ(go->tcb_evaluation_data_number, 15u);
  EXPECT_EQ(FormatRfc3339(go->issue_date), "2023-06-08T07:24:59Z");

  auto mc = ParseEnclaveIdentity(ReadRealString("mobilecoin-attestation/verifier/data/tests/qe_identity.json"));
  ASSERT_TRUE(mc.ok()) << mc.status().ToString();
  EXPECT_EQ(mc->id, EnclaveId::kQe);
  EXPECT_EQ(mc->levels.size(), 6u);
  EXPECT_EQ(mc->levels[1].advisory_ids, std::vector<std::string>{"INTEL-SA-00615"});
}

TEST(RealValues, SgxEvaluationNumbers) {
  auto n = ParseTcbEvaluationDataNumbers(ReadRealString("teepot/extracted/sgx_tcb_eval_nums.body"));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->id, TeeType::kSgx);
  ASSERT_EQ(n->numbers.size(), 3u);
  EXPECT_EQ(n->numbers[0].number, 19u);
  EXPECT_EQ(n->numbers[2].number, 17u);
  EXPECT_EQ(FormatRfc3339(n->numbers[1].tcb_recovery_event_date), "2024-11-12T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(n->numbers[1].tcb_date), "2024-11-13T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(n->issue_date), "2025-05-27T19:04:23Z");
}

}  // namespace
}  // namespace thim::intel
