// Every class of bad input gets a precise InvalidArgument, never a crash.
#include <gtest/gtest.h>

#include "intel/enclave_identity.h"
#include "intel/strict_json.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::ReadRealString;

std::string RealTcb() { return ReadRealString("teepot/extracted/tdx_tcb_info.body"); }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

void ExpectMalformed(const std::string& text, const std::string& where) {
  auto t = ParseTcbInfo(text);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << t.status().ToString();
  EXPECT_NE(t.status().message().find(where), std::string::npos) << t.status().ToString();
}

TEST(MalformedTcbInfo, TruncatedAtEveryTenthByte) {
  std::string text = RealTcb();
  for (size_t n = 0; n < text.size(); n += 10) {
    auto t = ParseTcbInfo(text.substr(0, n));
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << n;
  }
}

TEST(MalformedTcbInfo, TrailingGarbageAndOversize) {
  ExpectMalformed(RealTcb() + "x", "malformed");
  ExpectMalformed(RealTcb() + "{}", "malformed");
  ExpectMalformed(std::string(kMaxJsonBytes + 1, ' '), "more than");
  EXPECT_FALSE(ParseTcbInfo("").ok());
}

TEST(MalformedTcbInfo, DuplicateKeys) {
  std::string text = RealTcb();
  ExpectMalformed(Replace(text, "{\"tcbInfo\":", "{\"signature\":\"00\",\"tcbInfo\":"), "duplicate key");
  ExpectMalformed(Replace(text, "\"version\":3,", "\"version\":3,\"version\":3,"), "duplicate key");
  ExpectMalformed(Replace(text, "\"tcbDate\":", "\"tcbStatus\":\"UpToDate\",\"tcbDate\":"), "duplicate key");
}

TEST(MalformedTcbInfo, WrongTypesAndRanges) {
  std::string text = RealTcb();
  ExpectMalformed(Replace(text, "\"version\":3", "\"version\":\"3\""), "tcbInfo.version: expected an integer");
  ExpectMalformed(Replace(text, "\"version\":3", "\"version\":1"), "tcbInfo.version");
  ExpectMalformed(Replace(text, "\"fmspc\":\"00806F050000\"", "\"fmspc\":\"00806F05000\""), "tcbInfo.fmspc");
  ExpectMalformed(Replace(text, "\"fmspc\":\"00806F050000\"", "\"fmspc\":123"), "tcbInfo.fmspc");
  ExpectMalformed(Replace(text, "\"tcbType\":0", "\"tcbType\":1"), "tcbInfo.tcbType");
  ExpectMalformed(Replace(text, "\"id\":\"TDX\"", "\"id\":\"SEV\""), "tcbInfo.id");
  ExpectMalformed(Replace(text, "{\"svn\":7,", "{\"svn\":256,"), "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn");
  ExpectMalformed(Replace(text, "{\"svn\":7,", "{\"svn\":-1,"), "sgxtcbcomponents[0].svn");
  ExpectMalformed(Replace(text, "{\"svn\":7,", "{\"svn\":7.5,"), "sgxtcbcomponents[0].svn");
  ExpectMalformed(Replace(text, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"Fine\""), "tcbStatus");
  ExpectMalformed(Replace(text, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"uptodate\""), "tcbStatus");
  ExpectMalformed(Replace(text, "\"tcbLevels\":[", "\"tcbLevels\":{\"x\":["), "malformed");
}

TEST(MalformedTcbInfo, BadDates) {
  std::string text = RealTcb();
  ExpectMalformed(Replace(text, "\"issueDate\":\"2025-05-27T19:31:43Z\"", "\"issueDate\":\"2025-02-30T19:31:43Z\""), "tcbInfo.issueDate");
  ExpectMalformed(Replace(text, "\"issueDate\":\"2025-05-27T19:31:43Z\"", "\"issueDate\":\"2025-05-27T19:31:43.5Z\""), "tcbInfo.issueDate");
  ExpectMalformed(Replace(text, "\"issueDate\":\"2025-05-27T19:31:43Z\"", "\"issueDate\":\"2025-05-27T19:31:43+00:00\""), "tcbInfo.issueDate");
  ExpectMalformed(Replace(text, "\"issueDate\":\"2025-05-27T19:31:43Z\"", "\"issueDate\":\"2026-05-27T19:31:43Z\""), "before issueDate");
}

TEST(MalformedTcbInfo, SignatureShape) {
  std::string text = RealTcb();
  size_t sig = text.find("\"signature\":\"") + 13;
  std::string short_sig = text.substr(0, sig) + text.substr(sig + 1);
  ExpectMalformed(short_sig, "signature");
  std::string long_sig = text.substr(0, sig) + "a" + text.substr(sig);
  ExpectMalformed(long_sig, "signature");
  std::string non_hex = text;
  non_hex[sig] = 'z';
  ExpectMalformed(non_hex, "signature");
  ExpectMalformed(Replace(text, ",\"signature\":", ",\"sig\":"), "malformed");
  ExpectMalformed("{\"tcbInfo\":{}}", "malformed");
  ExpectMalformed("[1,2,3]", "expected an object");
}

TEST(MalformedTcbInfo, SgxMustNotCarryTdxFields) {
  std::string text = ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body");
  ExpectMalformed(Replace(text, "\"tcbLevels\":", "\"tdxModule\":{},\"tcbLevels\":"), "not allowed in SGX TCB info");
}

TEST(MalformedTcbInfo, DuplicatedLevels) {
  std::string text = ReadRealString("teepot/extracted/sgx_tcb_info_00906ED50000.body");
  size_t start = text.find("\"tcbLevels\":[") + 13;
  size_t end = text.find("},{\"tcb\"", start) + 1;  // end of the first level
  std::string first = text.substr(start, end - start);
  ExpectMalformed(text.substr(0, start) + first + "," + text.substr(start), "duplicated TCB level");
}

TEST(MalformedJson, NonUtf8DeepNestingAndControlCharacters) {
  std::string text = RealTcb();
  std::string bad_utf8 = Replace(text, "\"id\":\"TDX\"", "\"id\":\"T\xff\xfeX\"");
  EXPECT_EQ(ParseTcbInfo(bad_utf8).status().code(), StatusCode::kInvalidArgument);
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto d = ParseStrictJson(deep);
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("nesting"), std::string::npos);
  EXPECT_FALSE(ParseStrictJson("{\"a\":\"x\ny\"}").ok());  // raw control character in a string
  EXPECT_FALSE(ParseStrictJson("{\"a\":1,}").ok());
  EXPECT_FALSE(ParseStrictJson("{'a':1}").ok());
  EXPECT_FALSE(ParseStrictJson("{\"a\":1} // comment").ok());
  EXPECT_TRUE(ParseStrictJson("{\"a\":[1,{\"b\":null}]}").ok());
}

TEST(MalformedIdentity, Cases) {
  std::string text = ReadRealString("teepot/extracted/sgx_qe_identity.body");
  auto bad = [](const std::string& t, const std::string& where) {
    auto e = ParseEnclaveIdentity(t);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.status().message().find(where), std::string::npos) << e.status().ToString();
  };
  bad(Replace(text, "\"version\":2", "\"version\":1"), "enclaveIdentity.version");
  bad(Replace(text, "\"id\":\"QE\"", "\"id\":\"XE\""), "enclaveIdentity.id");
  bad(Replace(text, "\"isvprodid\":1", "\"isvprodid\":70000"), "enclaveIdentity.isvprodid");
  bad(Replace(text, "\"tcbStatus\":\"UpToDate\"", "\"tcbStatus\":\"SWHardeningNeeded\""), "tcbStatus");
  bad(Replace(text, "\"mrsigner\":\"8C4F", "\"mrsigner\":\"8C4"), "enclaveIdentity.mrsigner");
  EXPECT_FALSE(ParseEnclaveIdentity(RealTcb()).ok());  // a TCB info is not an identity
  EXPECT_FALSE(ParseTcbInfo(text).ok());
}

TEST(MalformedEvalNumbers, Cases) {
  std::string text = ReadRealString("teepot/extracted/sgx_tcb_eval_nums.body");
  EXPECT_FALSE(ParseTcbEvaluationDataNumbers(Replace(text, "\"version\":1", "\"version\":2")).ok());
  EXPECT_FALSE(ParseTcbEvaluationDataNumbers(Replace(text, "\"tcbEvaluationDataNumber\":19", "\"tcbEvaluationDataNumber\":-19")).ok());
  EXPECT_FALSE(ParseTcbEvaluationDataNumbers(Replace(text, "\"id\":\"SGX\"", "\"id\":\"sgx\"")).ok());
}

TEST(SignedDocument, DetectsBodyName) {
  EXPECT_EQ(*DetectSignedBodyName(RealTcb()), "tcbInfo");
  EXPECT_EQ(*DetectSignedBodyName(ReadRealString("teepot/extracted/sgx_qe_identity.body")), "enclaveIdentity");
  EXPECT_EQ(*DetectSignedBodyName(ReadRealString("teepot/extracted/sgx_tcb_eval_nums.body")), "tcbEvaluationDataNumbers");
  EXPECT_EQ(DetectSignedBodyName("{}").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace thim::intel
