// QVL's parsing rules (reference intel-qpl-qvl.md §4.4) for TCB info,
// enclave identities and evaluation numbers, each with the precise error
// path; edits are made to real Intel documents (parsing does not check the
// signature, so the edited documents still reach the rule under test).
#include <gtest/gtest.h>

#include "intel/enclave_identity.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::ReadRealString;

std::string Tdx() { return ReadRealString("teepot/extracted/tdx_tcb_info.body"); }
std::string SgxV3() { return ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body"); }
std::string SgxV2() { return ReadRealString("teepot/extracted/sgx_tcb_info_v3.body"); }
std::string Qe() { return ReadRealString("teepot/extracted/sgx_qe_identity.body"); }
std::string EvalNums() { return ReadRealString("teepot/extracted/tdx_tcb_eval_nums.body"); }

// Replaces the first occurrence of `from` (which must exist).
std::string Edit(std::string s, const std::string& from, const std::string& to) {
  size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

template <typename Parser>
void ExpectError(Parser parse, const std::string& text, const std::string& message) {
  auto r = parse(text);
  ASSERT_FALSE(r.ok()) << message;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message);
}
void TcbError(const std::string& text, const std::string& message) { ExpectError(ParseTcbInfo, text, message); }
void IdentityError(const std::string& text, const std::string& message) { ExpectError(ParseEnclaveIdentity, text, message); }
void EvalError(const std::string& text, const std::string& message) { ExpectError(ParseTcbEvaluationDataNumbers, text, message); }

TEST(TcbInfoRules, Versions) {
  TcbError(Edit(Tdx(), "\"version\":3", "\"version\":1"), "malformed at tcbInfo.version: expected 2 or 3, got 1");
  TcbError(Edit(Tdx(), "\"version\":3", "\"version\":4"), "malformed at tcbInfo.version: expected 2 or 3, got 4");
  // Version 2 has no id; version 3 requires one.
  TcbError(Edit(SgxV2(), "{\"version\":2", "{\"id\":\"SGX\",\"version\":2"), "malformed at tcbInfo.id: not part of TCB info version 2");
  TcbError(Edit(SgxV3(), "\"id\":\"SGX\",", ""), "malformed at tcbInfo.id: missing");
  TcbError(Edit(SgxV3(), "\"id\":\"SGX\"", "\"id\":\"sgx\""), "malformed at tcbInfo.id: expected \"SGX\" or \"TDX\"");
  // The v3 component form in a version 2 document, and the reverse.
  TcbError(Edit(SgxV2(), "\"version\":2", "\"version\":3,\"id\":\"SGX\""),
           "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents: missing");
  TcbError(Edit(SgxV3(), "\"version\":3", "\"version\":2"), "malformed at tcbInfo.id: not part of TCB info version 2");
}

TEST(TcbInfoRules, HeaderFields) {
  TcbError(Edit(Tdx(), "\"pceId\":\"0000\"", "\"pceId\":\"00000\""), "malformed at tcbInfo.pceId: expected 4 hex digits");
  TcbError(Edit(Tdx(), "\"fmspc\":\"00806F050000\"", "\"fmspc\":\"00806F05000G\""), "malformed at tcbInfo.fmspc: expected 12 hex digits");
  TcbError(Edit(Tdx(), "\"tcbType\":0", "\"tcbType\":1"), "malformed at tcbInfo.tcbType: only tcbType 0 is defined");
  TcbError(Edit(Tdx(), "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":4294967296"),
           "malformed at tcbInfo.tcbEvaluationDataNumber: expected an integer 0..4294967295");
  TcbError(Edit(Tdx(), "\"tcbEvaluationDataNumber\":17", "\"tcbEvaluationDataNumber\":17.0"),
           "malformed at tcbInfo.tcbEvaluationDataNumber: expected an integer, got number");
  TcbError(Edit(Tdx(), "\"issueDate\":\"2025-05-27T19:31:43Z\"", "\"issueDate\":\"2025-02-30T19:31:43Z\""),
           "malformed at tcbInfo.issueDate: " + ParseIntelTime("2025-02-30T19:31:43Z").status().message());
  TcbError(Edit(Tdx(), "\"nextUpdate\":\"2025-06-26T19:31:43Z\"", "\"nextUpdate\":\"2025-06-26T19:31:43.000Z\""),
           "malformed at tcbInfo.nextUpdate: " + ParseIntelTime("2025-06-26T19:31:43.000Z").status().message());
  TcbError(Edit(Tdx(), "\"nextUpdate\":\"2025-06-26T19:31:43Z\"", "\"nextUpdate\":null"),
           "malformed at tcbInfo.nextUpdate: expected a string, got null");
  TcbError(Edit(SgxV3(), "\"tcbLevels\":[", "\"tcbLevels\":[],\"x\":["), "malformed at tcbInfo.tcbLevels: no TCB levels");
  TcbError(Edit(SgxV3(), "\"tcbLevels\":[", "\"tcbLevels\":{},\"x\":["), "malformed at tcbInfo.tcbLevels: expected an array, got object");
}

TEST(TcbInfoRules, TdxModule) {
  TcbError(Edit(Tdx(), "\"tdxModule\":", "\"tdxModulX\":"), "malformed at tcbInfo.tdxModule: missing");
  TcbError(Edit(Tdx(), "\"attributesMask\":\"FFFFFFFFFFFFFFFF\"", "\"attributesMask\":\"FFFFFFFFFFFFFFF\""),
           "malformed at tcbInfo.tdxModule.attributesMask: expected 16 hex digits");
  TcbError(Edit(Tdx(), "\"id\":\"TDX_03\",", ""), "malformed at tcbInfo.tdxModuleIdentities[0].id: missing");
  TcbError(Edit(Tdx(), "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"ConfigurationNeeded\""),
           "malformed at tcbInfo.tdxModuleIdentities[0].tcbLevels[0].tcbStatus: \"ConfigurationNeeded\" is not one of UpToDate, OutOfDate or Revoked");
  TcbError(Edit(Tdx(), "\"isvsvn\":3", "\"isvsvn\":256"),
           "malformed at tcbInfo.tdxModuleIdentities[0].tcbLevels[0].tcb.isvsvn: expected an integer 0..255");
  // SGX TCB info must not carry any TDX part (QVL: TcbInfo.cpp).
  TcbError(Edit(SgxV3(), "\"tcbLevels\":", "\"tdxModuleIdentities\":[],\"tcbLevels\":"),
           "malformed at tcbInfo.tdxModuleIdentities: not allowed in SGX TCB info");
  TcbError(Edit(SgxV3(), "\"pcesvn\":13", "\"pcesvn\":13,\"tdxtcbcomponents\":[]"),
           "malformed at tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents: not allowed in SGX TCB info");
}

TEST(TcbInfoRules, Components) {
  // SVNs are integers 0..255: QVL would keep 256 as 0 (uint8_t), we refuse it.
  TcbError(Edit(SgxV3(), "{\"svn\":21}", "{\"svn\":256}"), "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn: expected an integer 0..255");
  TcbError(Edit(SgxV2(), "\"sgxtcbcomp01svn\":21", "\"sgxtcbcomp01svn\":256"),
           "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomp01svn: expected an integer 0..255");
  TcbError(Edit(SgxV2(), "\"sgxtcbcomp16svn\":0,", ""), "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomp16svn: missing");
  TcbError(Edit(SgxV3(), "{\"svn\":21}", "{\"svn\":\"21\"}"),
           "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn: expected an integer, got string");
  TcbError(Edit(SgxV3(), "{\"svn\":21},", ""), "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents: expected an array of 16 components");
  TcbError(Edit(SgxV3(), "{\"svn\":21},", "{\"svn\":21},{\"svn\":21},"),
           "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents: expected an array of 16 components");
  TcbError(Edit(SgxV3(), "{\"svn\":21}", "21"), "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0]: expected an object, got number");
  TcbError(Edit(Tdx(), "\"category\":\"BIOS\"", "\"category\":7"),
           "malformed at tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].category: expected a string, got number");
  TcbError(Edit(Tdx(), "\"pcesvn\":11", "\"pcesvn\":65536"), "malformed at tcbInfo.tcbLevels[0].tcb.pcesvn: expected an integer 0..65535");
  TcbError(Edit(Tdx(), ",\"tdxtcbcomponents\":[", ",\"tdxtcbcomponentz\":["), "malformed at tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents: missing");
}

// The first SGX level of `text` (from its '{' to its matching '}').
std::string FirstLevel(const std::string& text) {
  size_t start = text.rfind("\"tcbLevels\":[") + 13;
  size_t end = text.find("},{\"tcb\"", start) + 1;
  return text.substr(start, end - start);
}

TEST(TcbInfoRules, LevelFields) {
  std::string sgx = SgxV3();
  TcbError(Edit(sgx, "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"HardeningNeeded\""),
           "malformed at tcbInfo.tcbLevels[0].tcbStatus: " + ParseTcbStatus("HardeningNeeded").status().message());
  TcbError(Edit(sgx, "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":17"),
           "malformed at tcbInfo.tcbLevels[0].tcbStatus: expected a string, got number");
  TcbError(Edit(sgx, "\"tcbDate\":\"2024-03-13T00:00:00Z\",", ""), "malformed at tcbInfo.tcbLevels[0].tcbDate: missing");
  TcbError(Edit(sgx, "\"tcbDate\":\"2024-03-13T00:00:00Z\"", "\"tcbDate\":\"2024-03-13\""),
           "malformed at tcbInfo.tcbLevels[0].tcbDate: " + ParseIntelTime("2024-03-13").status().message());
  TcbError(Edit(sgx, "\"advisoryIDs\":[\"", "\"advisoryIDs\":[1,\""), "malformed at tcbInfo.tcbLevels[0].advisoryIDs: element 0 is not a string");
  TcbError(Edit(sgx, "\"advisoryIDs\":[\"INTEL-SA-00334\",\"INTEL-SA-00615\"]", "\"advisoryIDs\":\"INTEL-SA-00334\""),
           "malformed at tcbInfo.tcbLevels[0].advisoryIDs: expected an array, got string");
  TcbError(Edit(sgx, "{\"tcb\":{\"sgxtcbcomponents\"", "{\"tcb\":[],\"x\":{\"sgxtcbcomponents\""),
           "malformed at tcbInfo.tcbLevels[0].tcb: expected an object, got array");
}

TEST(TcbInfoRules, UnknownStatusIsNeverEchoedRaw) {
  auto r = ParseTcbInfo(Edit(SgxV3(), "\"tcbStatus\":\"SWHardeningNeeded\"", "\"tcbStatus\":\"Up\xc3\xa9\\u0000\""));
  ASSERT_FALSE(r.ok());
  std::string message = r.status().message();
  EXPECT_EQ(message.rfind("malformed at tcbInfo.tcbLevels[0].tcbStatus: ", 0), 0u) << message;
  for (char c : message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << message;
}

TEST(TcbInfoRules, DuplicatedLevels) {
  std::string sgx = SgxV3();
  std::string first = FirstLevel(sgx);
  ASSERT_EQ(first.front(), '{');
  // A copy at the end: same TCB, other date and status; still a duplicate for QVL.
  std::string copy = Edit(Edit(first, "2024-03-13", "2019-01-01"), "SWHardeningNeeded", "OutOfDate");
  size_t end = sgx.rfind("]},\"signature\"");
  std::string dup = sgx.substr(0, end) + "," + copy + sgx.substr(end);
  TcbError(dup, "malformed at tcbInfo.tcbLevels[19]: duplicated TCB level");
  // TDX levels equal in SGX and PCESVN but not in TDX components are distinct.
  std::string tdx = Tdx();
  std::string tdx_first = FirstLevel(tdx);
  std::string variant = Edit(tdx_first, "{\"svn\":5,\"category\":\"OS/VMM\",\"type\":\"TDX Module\"}",
                             "{\"svn\":4,\"category\":\"OS/VMM\",\"type\":\"TDX Module\"}");
  size_t tdx_end = tdx.rfind("]},\"signature\"");
  auto ok = ParseTcbInfo(tdx.substr(0, tdx_end) + "," + variant + tdx.substr(tdx_end));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->levels.size(), 5u);
  TcbError(tdx.substr(0, tdx_end) + "," + tdx_first + tdx.substr(tdx_end), "malformed at tcbInfo.tcbLevels[4]: duplicated TCB level");
}

TEST(TcbInfoRules, MatchingWalksQvlOrderNotJsonOrder) {
  // The same SGX TCB info with its levels reversed: QVL sorts them, so the
  // platform still lands on the highest level it reaches, not the first in JSON.
  std::string sgx = SgxV3();
  auto info = *ParseTcbInfo(sgx);
  size_t start = sgx.find("\"tcbLevels\":[") + 13;
  size_t end = sgx.rfind("]},\"signature\"");
  std::vector<std::string> levels;
  for (size_t i = start; i < end;) {
    size_t next = sgx.find(",{\"tcb\":", i);
    if (next == std::string::npos || next > end) next = end;
    levels.push_back(sgx.substr(i, next - i));
    i = next == end ? end : next + 1;
  }
  ASSERT_EQ(levels.size(), info.levels.size());
  std::string reversed_levels;
  for (size_t i = levels.size(); i-- > 0;) reversed_levels += levels[i] + (i ? "," : "");
  auto reversed = ParseTcbInfo(sgx.substr(0, start) + reversed_levels + sgx.substr(end));
  ASSERT_TRUE(reversed.ok()) << reversed.status().ToString();
  ASSERT_EQ(reversed->levels.back().sgx, info.levels.front().sgx);
  for (const TcbLevel& platform_level : info.levels) {
    auto a = MatchTcbLevel(info, platform_level.sgx);
    auto b = MatchTcbLevel(*reversed, platform_level.sgx);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ((*a)->sgx, platform_level.sgx);
    EXPECT_EQ((*b)->sgx, platform_level.sgx);
    EXPECT_EQ((*b)->status, platform_level.status);
  }
}

TEST(EnclaveIdentityRules, Fields) {
  std::string qe = Qe();
  IdentityError(Edit(qe, "\"version\":2", "\"version\":3"), "malformed at enclaveIdentity.version: only version 2 is supported, got 3");
  IdentityError(Edit(qe, "\"id\":\"QE\"", "\"id\":\"TDQE\""), "malformed at enclaveIdentity.id: expected QE, QVE, QAE or TD_QE");
  IdentityError(Edit(qe, "\"miscselect\":\"00000000\"", "\"miscselect\":\"0000000\""), "malformed at enclaveIdentity.miscselect: expected 8 hex digits");
  IdentityError(Edit(qe, "\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\"", "\"attributesMask\":\"FBFFFFFFFFFFFFFF000000000000000\""),
                "malformed at enclaveIdentity.attributesMask: expected 32 hex digits");
  IdentityError(Edit(qe, "\"isvprodid\":1", "\"isvprodid\":65536"), "malformed at enclaveIdentity.isvprodid: expected an integer 0..65535");
  IdentityError(Edit(qe, "\"isvprodid\":1", "\"isvprodid\":-1"), "malformed at enclaveIdentity.isvprodid: expected an integer 0..65535");
  IdentityError(Edit(qe, "\"isvsvn\":8", "\"isvsvn\":65536"), "malformed at enclaveIdentity.tcbLevels[0].tcb.isvsvn: expected an integer 0..65535");
  IdentityError(Edit(qe, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"SWHardeningNeeded\""),
                "malformed at enclaveIdentity.tcbLevels[0].tcbStatus: \"SWHardeningNeeded\" is not one of the enclave identity statuses");
  IdentityError(Edit(qe, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"Unknown\""),
                "malformed at enclaveIdentity.tcbLevels[0].tcbStatus: \"Unknown\" is not one of the enclave identity statuses");
  IdentityError(Edit(qe, "\"issueDate\":\"2025-05-27T19:05:27Z\"", "\"issueDate\":\"2025-05-27T19:05:27.123Z\""),
                "malformed at enclaveIdentity.issueDate: " + ParseIntelTime("2025-05-27T19:05:27.123Z").status().message());
  IdentityError(Edit(qe, "\"issueDate\":\"2025-05-27T19:05:27Z\"", "\"issueDate\":\"2025-07-27T19:05:27Z\""),
                "malformed at enclaveIdentity.nextUpdate: before issueDate");
  // Every allowed status is accepted.
  for (const char* status : {"OutOfDate", "ConfigurationNeeded", "OutOfDateConfigurationNeeded", "Revoked"})
    EXPECT_TRUE(ParseEnclaveIdentity(Edit(qe, "\"tcbStatus\":\"UpToDate\"", std::string("\"tcbStatus\":\"") + status + "\"")).ok()) << status;
  // A TCB info is not an identity.
  IdentityError(Tdx(), "malformed at enclaveIdentity: missing");
}

TEST(EvaluationNumbersRules, Fields) {
  std::string n = EvalNums();
  EvalError(Edit(n, "\"version\":1", "\"version\":2"), "malformed at tcbEvaluationDataNumbers.version: only version 1 is supported");
  EvalError(Edit(n, "\"id\":\"TDX\"", "\"id\":\"SEV\""), "malformed at tcbEvaluationDataNumbers.id: expected \"SGX\" or \"TDX\"");
  EvalError(Edit(n, "\"tcbEvaluationDataNumber\":19", "\"tcbEvaluationDataNumber\":-19"),
            "malformed at tcbEvaluationDataNumbers.tcbEvalNumbers[0].tcbEvaluationDataNumber: expected an integer 0..4294967295");
  EvalError(Edit(n, "\"tcbRecoveryEventDate\":\"2025-05-13T00:00:00Z\"", "\"tcbRecoveryEventDate\":\"2025-13-13T00:00:00Z\""),
            "malformed at tcbEvaluationDataNumbers.tcbEvalNumbers[0].tcbRecoveryEventDate: " +
                ParseIntelTime("2025-13-13T00:00:00Z").status().message());
  EvalError(Edit(n, "\"tcbEvalNumbers\":[", "\"tcbEvalNumbers\":[],\"x\":["), "malformed at tcbEvaluationDataNumbers.tcbEvalNumbers: empty list");
  EvalError(Edit(n, "\"tcbEvaluationDataNumber\":19,", "\"tcbEvaluationDataNumber\":19,\"tcbEvaluationDataNumber\":19,"),
            "malformed at tcbEvaluationDataNumbers.tcbEvalNumbers[0]: duplicate key \"tcbEvaluationDataNumber\"");
}

}  // namespace
}  // namespace thim::intel
