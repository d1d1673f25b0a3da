// PEM blocks (core/pem.h): parsing multi-block texts, labels, the errors, and
// EncodePem's exact layout.
#include "core/pem.h"

#include <gtest/gtest.h>

#include <string>

#include "testdata.h"

namespace thim {
namespace {

Bytes Pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 31 + 7);
  return b;
}

TEST(Pem, RealIssuerChainsHaveTwoCertificates) {
  for (const std::string name : {"tcb_info_issuer_chain", "pck_crl_issuer_chain"}) {
    SCOPED_TRACE(name);
    std::string text = testing::ReadRealString("go-tdx-guest/extracted/" + name + ".pem");
    auto blocks = ParsePem(text);
    ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
    ASSERT_EQ(blocks->size(), 2u);
    std::string reencoded;
    for (const auto& b : *blocks) {
      EXPECT_EQ(b.label, "CERTIFICATE");
      ASSERT_GE(b.der.size(), 4u);
      EXPECT_EQ(b.der[0], 0x30);  // DER SEQUENCE
      EXPECT_EQ(b.der[1], 0x82);  // two length bytes
      EXPECT_EQ(b.der.size(), 4u + (size_t{b.der[2]} << 8 | b.der[3]));
      reencoded += EncodePem(b.label, b.der);
    }
    // The files use the canonical layout, so EncodePem reproduces them exactly.
    EXPECT_EQ(reencoded, text);
  }
}

TEST(Pem, RealPckChainHasThreeCertificates) {
  auto blocks = ParsePem(testing::ReadRealString("go-tdx-guest/extracted/quote_v5_sample.pck_chain.pem"));
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  EXPECT_EQ(blocks->size(), 3u);
}

TEST(Pem, MultipleBlocksLabelsAndSurroundingText) {
  std::string text = "leading text\n# comment\n" + EncodePem("CERTIFICATE", Bytes{1, 2, 3}) + "comment between\n" +
                     EncodePem("X509 CRL", Bytes(100, 7)) + EncodePem("EC PRIVATE KEY", Pattern(32)) + "trailing\n";
  auto blocks = ParsePem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ(blocks->size(), 3u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
  EXPECT_EQ((*blocks)[0].der, (Bytes{1, 2, 3}));
  EXPECT_EQ((*blocks)[1].label, "X509 CRL");
  EXPECT_EQ((*blocks)[1].der, Bytes(100, 7));
  EXPECT_EQ((*blocks)[2].label, "EC PRIVATE KEY");
  EXPECT_EQ((*blocks)[2].der, Pattern(32));
}

TEST(Pem, CrlfLineEndingsAndNoFinalNewline) {
  std::string text = "-----BEGIN CERTIFICATE-----\r\nAQID\r\n-----END CERTIFICATE-----";
  auto blocks = ParsePem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].der, (Bytes{1, 2, 3}));
}

TEST(Pem, BodyMayBeWrappedAtAnyWidth) {
  std::string text = "-----BEGIN CERTIFICATE-----\nAQ\nID\nBA==\n-----END CERTIFICATE-----\n";
  auto blocks = ParsePem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  EXPECT_EQ((*blocks)[0].der, (Bytes{1, 2, 3, 4}));
}

TEST(Pem, NoBlockIsInvalidArgument) {
  for (const char* bad : {"", "no pem here", "-----END CERTIFICATE-----\n", "BEGIN CERTIFICATE"}) {
    EXPECT_EQ(ParsePem(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Pem, MissingEndIsInvalidArgument) {
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n").status().code(), StatusCode::kInvalidArgument);
  // A good first block does not excuse a truncated second one.
  std::string text = EncodePem("CERTIFICATE", Bytes{1, 2, 3}) + "-----BEGIN CERTIFICATE-----\nAQID\n";
  EXPECT_EQ(ParsePem(text).status().code(), StatusCode::kInvalidArgument);
}

TEST(Pem, EndOfAnotherBlockDoesNotCloseAnOpenOne) {
  EXPECT_FALSE(
      ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n").ok());
}

TEST(Pem, MismatchedLabelsAreInvalidArgument) {
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATES-----\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----END certificate-----\n").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Pem, MismatchedEndFollowedByTheMatchingEndIsRejected) {
  // The stray END line must not be swallowed into the body: its '-' characters
  // are URL-safe base64 symbols, and the line happens to hold a multiple of 4.
  std::string text =
      "-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(ParsePem(text).status().code(), StatusCode::kInvalidArgument);
}

TEST(Pem, BodiesUseTheStandardAlphabetOnly) {
  // RFC 7468 bodies are standard base64; "-" and "_" belong to the URL-safe one.
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\n-_8=\n-----END CERTIFICATE-----\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParsePem("-----BEGIN CERTIFICATE-----\n+/8=\n-----END CERTIFICATE-----\n").ok());
}

TEST(Pem, EmptyBlockIsInvalidArgument) {
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePem("-----BEGIN CERTIFICATE-----\n\n  \n-----END CERTIFICATE-----\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePem(EncodePem("CERTIFICATE", Bytes{})).status().code(), StatusCode::kInvalidArgument);
}

TEST(Pem, GarbageBodyIsInvalidArgumentNamingTheBlock) {
  auto r = ParsePem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("CERTIFICATE"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(ParsePem("-----BEGIN CERTIFICATE-----\nAQI\n-----END CERTIFICATE-----\n").ok());  // unpadded
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nAQ==AQ==\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nAQID\n-----END CERTIFICATE-----\n").ok());
}

TEST(Pem, MalformedBeginLine) {
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE\nAQID\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE").ok());
}

TEST(Pem, LooksLikePem) {
  EXPECT_TRUE(LooksLikePem("-----BEGIN CERTIFICATE-----\n"));
  EXPECT_TRUE(LooksLikePem("junk\n-----BEGIN X509 CRL-----"));
  EXPECT_FALSE(LooksLikePem(""));
  EXPECT_FALSE(LooksLikePem("\x30\x82\x01\x00"));
  EXPECT_FALSE(LooksLikePem("-----END CERTIFICATE-----"));
}

TEST(EncodePem, ExactLayout) {
  EXPECT_EQ(EncodePem("CERTIFICATE", Bytes{1, 2, 3}), "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(EncodePem("X509 CRL", Bytes{0xFB, 0xFF}), "-----BEGIN X509 CRL-----\n+/8=\n-----END X509 CRL-----\n");
  // 48 bytes are exactly one 64-character line; 49 spill onto a second.
  std::string one = EncodePem("CERTIFICATE", Pattern(48));
  EXPECT_EQ(one, "-----BEGIN CERTIFICATE-----\n" + Base64Encode(Pattern(48)) + "\n-----END CERTIFICATE-----\n");
  std::string two = EncodePem("CERTIFICATE", Pattern(49));
  std::string b64 = Base64Encode(Pattern(49));
  EXPECT_EQ(two, "-----BEGIN CERTIFICATE-----\n" + b64.substr(0, 64) + "\n" + b64.substr(64) +
                     "\n-----END CERTIFICATE-----\n");
}

TEST(EncodePem, SixtyFourCharacterLinesAndRoundTrip) {
  for (size_t n : {1u, 2u, 3u, 47u, 48u, 49u, 96u, 200u, 1000u}) {
    SCOPED_TRACE(n);
    Bytes der = Pattern(n);
    std::string pem = EncodePem("CERTIFICATE", der);
    ASSERT_TRUE(pem.ends_with("\n"));
    // Every body line but the last is exactly 64 characters; the last 1..64.
    size_t body_start = pem.find('\n') + 1;
    size_t end_line = pem.rfind("-----END");
    std::string body = pem.substr(body_start, end_line - body_start);
    size_t lines = 0;
    for (size_t pos = 0; pos < body.size();) {
      size_t nl = body.find('\n', pos);
      ASSERT_NE(nl, std::string::npos);
      size_t len = nl - pos;
      ++lines;
      if (nl + 1 < body.size()) {
        EXPECT_EQ(len, 64u);
      } else {
        EXPECT_GE(len, 1u);
        EXPECT_LE(len, 64u);
      }
      pos = nl + 1;
    }
    EXPECT_EQ(lines, (Base64Encode(der).size() + 63) / 64);
    auto blocks = ParsePem(pem);
    ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
    ASSERT_EQ(blocks->size(), 1u);
    EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
    EXPECT_EQ((*blocks)[0].der, der);
  }
}

}  // namespace
}  // namespace thim
