// The signed envelope {"<body>":{…},"signature":"<128 hex>"}: the signed span
// is the raw bytes of the body value, whatever whitespace surrounds it, and
// every deviation from the envelope's shape is a precise InvalidArgument.
#include <gtest/gtest.h>

#include <string>

#include "intel/signed_document.h"
#include "testdata.h"

namespace thim::intel {
namespace {

const std::string kSig(128, 'a');

std::string Doc(const std::string& body, const std::string& sig = kSig) {
  return "{\"tcbInfo\":" + body + ",\"signature\":\"" + sig + "\"}";
}

std::string SignedDocumentErrorOf(const std::string& text, const char* name = "tcbInfo") {
  auto d = ParseSignedDocument(text, name);
  EXPECT_FALSE(d.ok()) << text;
  if (d.ok()) return "";
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << d.status().ToString();
  return d.status().message();
}

TEST(SignedDocument, SpanIsTheRawBodyValue) {
  std::string body = "{\"b\":[1, 2],\"s\":\"}\\\"{\"}";  // braces and an escaped quote inside a string
  auto d = ParseSignedDocument(Doc(body), "tcbInfo");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->SignedBytes(), body);
  EXPECT_EQ(d->body_name, "tcbInfo");
  EXPECT_EQ(d->signature, Bytes(64, 0xaa));
  EXPECT_EQ(d->text, Doc(body));
}

TEST(SignedDocument, WhitespaceAroundTopLevelTokensIsNotSigned) {
  std::string body = "{ \"b\" : 1 }";
  std::string text = " \n{ \"signature\" :\t\"" + kSig + "\" ,\r\n \"tcbInfo\" :  " + body + " \n} \n";
  auto d = ParseSignedDocument(text, "tcbInfo");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->SignedBytes(), body);  // inner whitespace kept, outer not
  EXPECT_EQ(d->text, text);
}

TEST(SignedDocument, SignatureHexEitherCaseExactly128) {
  std::string upper = "AB" + std::string(126, 'F');
  auto d = ParseSignedDocument(Doc("{}", upper), "tcbInfo");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->signature.front(), 0xab);
  EXPECT_EQ(SignedDocumentErrorOf(Doc("{}", std::string(127, 'a'))), "malformed at signature: expected 128 hex digits");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("{}", std::string(129, 'a'))), "malformed at signature: expected 128 hex digits");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("{}", std::string(126, 'a') + "zz")), "malformed at signature: expected 128 hex digits");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("{}", "")), "malformed at signature: expected 128 hex digits");
  EXPECT_EQ(SignedDocumentErrorOf("{\"tcbInfo\":{},\"signature\":12}"), "malformed at signature: expected a string, got number");
}

TEST(SignedDocument, EnvelopeShape) {
  EXPECT_EQ(SignedDocumentErrorOf("{\"tcbInfo\":{}}"), "malformed at signature: missing");
  EXPECT_EQ(SignedDocumentErrorOf("{\"signature\":\"" + kSig + "\"}"), "malformed at tcbInfo: missing");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("{}"), "enclaveIdentity"), "malformed at enclaveIdentity: missing");
  EXPECT_EQ(SignedDocumentErrorOf("{\"tcbInfo\":{},\"signature\":\"" + kSig + "\",\"x\":1}"), "malformed at x: unexpected key");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("[]")), "malformed at tcbInfo: expected an object, got array");
  EXPECT_EQ(SignedDocumentErrorOf(Doc("\"{}\"")), "malformed at tcbInfo: expected an object, got string");
  EXPECT_EQ(SignedDocumentErrorOf("[]"), "malformed at top level: expected an object, got array");
  EXPECT_EQ(SignedDocumentErrorOf("\"tcbInfo\""), "malformed at top level: expected an object, got string");
  EXPECT_EQ(SignedDocumentErrorOf("{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"" + kSig + "\"}"), "malformed at top level: duplicate key \"tcbInfo\"");
  EXPECT_EQ(SignedDocumentErrorOf("{\"tcbInfo\":{},\"signature\":\"" + kSig + "\",\"signature\":\"" + kSig + "\"}"),
            "malformed at top level: duplicate key \"signature\"");
  // An escaped spelling of the body name is not what Intel signs.
  EXPECT_NE(SignedDocumentErrorOf("{\"tcb\\u0049nfo\":{},\"signature\":\"" + kSig + "\"}").find("escaped"), std::string::npos);
}

TEST(SignedDocument, TruncationAndTrailingBytes) {
  std::string text = Doc("{\"a\":[1,2,{\"b\":\"c\"}]}");
  for (size_t n = 0; n < text.size(); ++n) EXPECT_EQ(ParseSignedDocument(text.substr(0, n), "tcbInfo").status().code(), StatusCode::kInvalidArgument) << n;
  EXPECT_TRUE(ParseSignedDocument(text + "\n", "tcbInfo").ok());
  for (const char* tail : {"x", "}", ",", "{}", "\0"}) {
    std::string e = SignedDocumentErrorOf(text + std::string(tail, std::max<size_t>(1, std::char_traits<char>::length(tail))));
    EXPECT_NE(e.find("malformed at offset " + std::to_string(text.size())), std::string::npos) << e;
  }
  EXPECT_NE(SignedDocumentErrorOf(text + "\n\n0").find("malformed at offset " + std::to_string(text.size() + 2)), std::string::npos);
}

TEST(SignedDocument, BodyIsHandedBackParsed) {
  nlohmann::json body;
  auto d = ParseSignedDocument(Doc("{\"version\":3}"), "tcbInfo", &body);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(body["version"], 3);
}

TEST(DetectSignedBodyName, LooksAtTopLevelMembersOnly) {
  using thim::testing::ReadRealString;
  EXPECT_EQ(*DetectSignedBodyName(ReadRealString("teepot/extracted/tdx_tcb_info.body")), "tcbInfo");
  EXPECT_EQ(*DetectSignedBodyName(ReadRealString("teepot/extracted/tdx_qe_identity.body")), "enclaveIdentity");
  EXPECT_EQ(*DetectSignedBodyName(ReadRealString("teepot/extracted/tdx_tcb_eval_nums.body")), "tcbEvaluationDataNumbers");
  EXPECT_EQ(*DetectSignedBodyName(" {\"signature\":\"00\", \"enclaveIdentity\":{}}"), "enclaveIdentity");
  // Truncated documents are still recognised, so their parser can say what is wrong.
  EXPECT_EQ(*DetectSignedBodyName("{\"tcbInfo\":{\"version\":"), "tcbInfo");
  for (const char* other : {"{}", "[]", "", "x", "{\"a\":{\"tcbInfo\":{}}}", "{\"a\":\"\\\"tcbInfo\\\"\"}", "[\"tcbInfo\"]",
                            "{\"a\":", "{\"a\":\"", "{\"a\":[{\"b\":\"}\"", "{\"x\" \"tcbInfo\":{}}"})
    EXPECT_EQ(DetectSignedBodyName(other).status().code(), StatusCode::kNotFound) << other;
  EXPECT_EQ(DetectSignedBodyName(ReadRealString("teepot/extracted/fmspcs.body")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace thim::intel
