// The quote parser on the real quotes of ../shared/testdata/real and on
// precise malformations of them: every error names the field and its offset.
#include "verify/quote_parser.h"

#include <gtest/gtest.h>

#include "testdata.h"

namespace thim::verify {
namespace {

using thim::testing::ReadRealBytes;

constexpr const char* kTdxV4 = "go-tdx-guest/testing/testdata/tdx_prod_quote_SPR_E4.dat";
constexpr const char* kTdxV5 = "go-tdx-guest/testing/testdata/quote_v5_sample.dat";
constexpr const char* kSgxV3 = "mobilecoin-attestation/verifier/data/tests/hw_quote.dat";
constexpr const char* kCosV4 = "go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat";

Bytes AuthData0To31() {
  Bytes b;
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<uint8_t>(i));
  return b;
}

void PutLe16(Bytes& b, size_t at, uint16_t v) {
  b[at] = v & 0xff;
  b[at + 1] = v >> 8;
}
void PutLe32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = (v >> (8 * i)) & 0xff;
}

std::string ErrorOf(ByteSpan data, ParseOptions options = {}) {
  auto q = ParseQuote(data, options);
  if (q.ok()) return "OK";
  EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument) << q.status().ToString();
  return q.status().message();
}

TEST(QuoteParserRealTest, TdxV4SapphireRapidsHasTestingBytesAfterTheSignatureData) {
  Bytes data = ReadRealBytes(kTdxV4);
  ASSERT_EQ(data.size(), 4974u);
  // go-tdx-guest appended "\nextra bytes(only for testing purpose)\n" (39 bytes)
  // after the 4299-byte signature data that ends at 636 + 4299 = 4935.
  EXPECT_EQ(ErrorOf(data), "quote: end of signature data at offset 4935: 39 trailing bytes after the quote");
  EXPECT_EQ(ErrorOf(data, {.trailing = TrailingBytes::kAllowZeroPadding}),
            "quote: end of signature data at offset 4935: 39 trailing bytes after the quote");

  auto q = ParseQuote(data, {.trailing = TrailingBytes::kAllow});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->header.version, 4);
  EXPECT_EQ(q->header.tee_type, kTeeTypeTdx);
  EXPECT_EQ(q->body_type, BodyType::kTd10);
  ASSERT_TRUE(q->td.has_value());
  EXPECT_FALSE(q->enclave.has_value());
  EXPECT_EQ(HexEncode(q->td->tee_tcb_svn), "03000400000000000000000000000000");
  EXPECT_FALSE(q->td->tee_tcb_svn2.has_value());
  EXPECT_EQ(q->signed_length, 632u);
  EXPECT_EQ(q->end_offset, 4935u);
  EXPECT_EQ(q->trailing_bytes, 39u);
  EXPECT_EQ(q->qe_report.isv_prod_id, 2);
  EXPECT_EQ(q->qe_report.isv_svn, 4);
  EXPECT_EQ(HexEncode(q->qe_report.mr_signer, true),
            "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5");
  EXPECT_EQ(q->qe_auth_data, AuthData0To31());
  EXPECT_EQ(q->pck_chain.size(), 3677u);
  EXPECT_EQ(std::string(q->pck_chain.begin(), q->pck_chain.begin() + 27), "-----BEGIN CERTIFICATE-----");
}

TEST(QuoteParserRealTest, TdxV5WithTd15Body) {
  auto q = ParseQuote(ReadRealBytes(kTdxV5));
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->header.version, 5);
  EXPECT_EQ(q->body_type, BodyType::kTd15);
  EXPECT_EQ(q->signed_length, 54u + 648u);
  EXPECT_EQ(q->end_offset, 5006u);
  EXPECT_EQ(HexEncode(q->td->tee_tcb_svn), "0b010400000000000000000000000000");
  ASSERT_TRUE(q->td->tee_tcb_svn2.has_value());
  EXPECT_EQ(HexEncode(*q->td->tee_tcb_svn2), "0d010400000000000000000000000000");
  EXPECT_EQ(q->qe_report.isv_svn, 7);
  EXPECT_EQ(q->pck_chain.back(), 0) << "this QE NUL-terminates the chain, as Intel's QPL hands it over";
}

TEST(QuoteParserRealTest, SgxV3) {
  auto q = ParseQuote(ReadRealBytes(kSgxV3));
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->header.version, 3);
  EXPECT_EQ(q->header.tee_type, kTeeTypeSgx);
  EXPECT_EQ(q->header.qe_svn, 9);
  EXPECT_EQ(q->header.pce_svn, 14);
  EXPECT_EQ(q->body_type, BodyType::kSgxEnclave);
  ASSERT_TRUE(q->enclave.has_value());
  EXPECT_EQ(q->signed_length, 432u);
  EXPECT_EQ(q->end_offset, 4600u);
  EXPECT_EQ(q->qe_report.isv_prod_id, 1);
  EXPECT_EQ(q->qe_report.isv_svn, 9);
  EXPECT_EQ(HexEncode(q->qe_report.mr_signer, true),
            "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");
  EXPECT_EQ(q->qe_auth_data, AuthData0To31());
  EXPECT_EQ(q->pck_chain.size(), 3548u);
}

TEST(QuoteParserRealTest, CosQuoteIsZeroPaddedToAFixedBuffer) {
  Bytes data = ReadRealBytes(kCosV4);
  ASSERT_EQ(data.size(), 8000u);
  EXPECT_EQ(ErrorOf(data), "quote: end of signature data at offset 4935: 3065 trailing zero bytes after the quote");
  auto q = ParseQuote(data, {.trailing = TrailingBytes::kAllowZeroPadding});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->trailing_bytes, 3065u);
}

TEST(QuoteParserTest, HeaderFieldsAreCheckedByOffset) {
  Bytes good = ReadRealBytes(kSgxV3);
  Bytes b = good;
  PutLe16(b, 0, 6);
  EXPECT_EQ(ErrorOf(b), "quote: header version at offset 0: unsupported version 6 (expected 3, 4 or 5)");
  b = good;
  PutLe16(b, 2, 3);
  EXPECT_EQ(ErrorOf(b), "quote: attestation key type at offset 2: unsupported type 3 (only 2, ECDSA P-256, is defined)");
  b = good;
  PutLe32(b, 4, 0x81);
  EXPECT_EQ(ErrorOf(b), "quote: TEE type at offset 4: version 3 quotes are SGX only; got 0x81");
  b = ReadRealBytes(kTdxV5);
  PutLe32(b, 4, 0x82);
  EXPECT_EQ(ErrorOf(b), "quote: TEE type at offset 4: unknown type 0x82 (expected 0x0 SGX or 0x81 TDX)");
  b = good;
  b[12] ^= 1;
  EXPECT_EQ(ErrorOf(b), "quote: QE vendor ID at offset 12: not Intel's (929A7233F79C4CA9940A0DB3957F0607)");
}

TEST(QuoteParserTest, V5BodyTypeAndSizeMustAgree) {
  Bytes good = ReadRealBytes(kTdxV5);
  Bytes b = good;
  PutLe16(b, 48, 4);
  EXPECT_EQ(ErrorOf(b), "quote: body type at offset 48: unknown type 4 (expected 1, 2 or 3)");
  b = good;
  PutLe16(b, 48, 1);
  EXPECT_EQ(ErrorOf(b), "quote: body type at offset 48: a TDX quote needs body type 2 or 3, got 1");
  b = good;
  PutLe16(b, 48, 2);
  EXPECT_EQ(ErrorOf(b), "quote: body size at offset 50: 648 does not match the TD report 1.0 size 584");
}

TEST(QuoteParserTest, DeclaredSizesMustExactlyFillTheirContainers) {
  Bytes good = ReadRealBytes(kTdxV5);
  // signature data length at 702: one more than is there.
  Bytes b = good;
  PutLe32(b, 702, 4301);
  EXPECT_EQ(ErrorOf(b), "quote: signature data length at offset 702: declares 4301 bytes, 4300 remain");
  // One less: the last byte of the inner chain falls outside, and then the
  // outer containers are no longer exactly filled.
  b = good;
  PutLe32(b, 702, 4299);
  EXPECT_EQ(ErrorOf(b), "quote: QE report certification data size at offset 836: declares 4166 bytes, 4165 remain");
  // Outer certification data type at 834 must be 6 (QE report certification data).
  b = good;
  PutLe16(b, 834, 5);
  EXPECT_EQ(ErrorOf(b), "quote: QE report certification data type at offset 834: unsupported type 5 (expected 6)");
  // QE auth data size at 840 + 384 + 64 = 1288.
  b = good;
  PutLe16(b, 1288, 33);
  EXPECT_EQ(ErrorOf(b), "quote: PCK certification data type at offset 1323: unsupported type 24064 (expected 5)");
  b = good;
  PutLe16(b, 1288, 60000);
  EXPECT_EQ(ErrorOf(b), "quote: QE auth data size at offset 1288: declares 60000 bytes, 3716 remain");
  // Inner type at 1290 + 32 = 1322.
  b = good;
  PutLe16(b, 1322, 3);
  EXPECT_EQ(ErrorOf(b), "quote: PCK certification data type at offset 1322: unsupported type 3 (expected 5)");
  // Inner size one smaller: one unconsumed byte in the type-6 container.
  b = good;
  PutLe32(b, 1324, 3677);
  EXPECT_EQ(ErrorOf(b), "quote: QE report certification data at offset 5005: 1 unexpected bytes after the last field");
  b = good;
  PutLe32(b, 1324, 0);
  EXPECT_EQ(ErrorOf(b), "quote: PCK certification data at offset 1328: empty PCK certificate chain");
}

TEST(QuoteParserTest, V3SignatureDataMustBeExactlyConsumed) {
  Bytes good = ReadRealBytes(kSgxV3);
  // Grow the signature data by one byte: an unconsumed byte inside it.
  Bytes b = good;
  b.push_back(0);
  PutLe32(b, 432, 4165);
  EXPECT_EQ(ErrorOf(b), "quote: signature data at offset 4600: 1 unexpected bytes after the last field");
  b = good;
  b.push_back(0xAA);
  EXPECT_EQ(ErrorOf(b), "quote: end of signature data at offset 4600: 1 trailing bytes after the quote");
}

TEST(QuoteParserTest, EveryTruncationIsAnErrorNamingAnOffset) {
  for (const char* path : {kSgxV3, kTdxV5}) {
    Bytes good = ReadRealBytes(path);
    for (size_t n = 0; n < good.size(); ++n) {
      auto q = ParseQuote(ByteSpan(good).first(n));
      ASSERT_FALSE(q.ok()) << path << " truncated to " << n;
      ASSERT_EQ(q.status().code(), StatusCode::kInvalidArgument);
      ASSERT_NE(q.status().message().find(" at offset "), std::string::npos) << q.status().message();
    }
  }
  EXPECT_EQ(ErrorOf(Bytes{}), "quote: header version at offset 0: truncated: needs 2 bytes, 0 remain");
}

TEST(QuoteParserTest, OversizedInputIsRejectedBeforeParsing) {
  Bytes big(kMaxQuoteSize + 1, 0);
  EXPECT_EQ(ErrorOf(big), "quote: 65537 bytes exceeds the maximum of 65536");
}

TEST(QuoteParserTest, TrailingBytesPolicyNames) {
  EXPECT_EQ(*ParseTrailingBytes("zeros"), TrailingBytes::kAllowZeroPadding);
  EXPECT_EQ(*ParseTrailingBytes("any"), TrailingBytes::kAllow);
  EXPECT_EQ(*ParseTrailingBytes("reject"), TrailingBytes::kReject);
  EXPECT_FALSE(ParseTrailingBytes("some").ok());
}

}  // namespace
}  // namespace thim::verify
