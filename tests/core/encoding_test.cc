#include <gtest/gtest.h>

#include "core/bytes.h"
#include "core/pem.h"
#include "testdata.h"

namespace thim {
namespace {

TEST(Hex, RoundTripAndErrors) {
  Bytes b = {0x00, 0x0A, 0xFF, 0x7B};
  EXPECT_EQ(HexEncode(b), "000aff7b");
  EXPECT_EQ(HexEncode(b, true), "000AFF7B");
  EXPECT_EQ(*HexDecode("000AfF7b"), b);
  EXPECT_EQ(HexDecode("abc").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HexDecode("zz").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(HexDecode("")->empty());
  EXPECT_TRUE(IsHex("00906ED50000", 12));
  EXPECT_FALSE(IsHex("00906ED5000G", 12));
  EXPECT_FALSE(IsHex("00906ED5000", 12));
  EXPECT_FALSE(IsHex("abc"));
  EXPECT_FALSE(IsHex(""));
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},        {"f", "Zg=="},       {"fo", "Zm8="},
                                                         {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
}

TEST(Base64, AlphabetsWhitespaceAndErrors) {
  EXPECT_EQ(*Base64Decode("-_8="), *Base64Decode("+/8="));
  EXPECT_EQ(*Base64Decode("Zm9v\nYmFy\r\n"), *Base64Decode("Zm9vYmFy"));
  EXPECT_EQ(*Base64Decode("Zg"), *Base64Decode("Zg=="));  // unpadded
  EXPECT_FALSE(Base64Decode("Zg=x").ok());                // data after padding
  EXPECT_FALSE(Base64Decode("Z").ok());                   // impossible length
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
  EXPECT_FALSE(Base64Decode("Zg===").ok());
}

TEST(Percent, MatchesIntelsEncodingOfRealChains) {
  for (const char* name : {"tcb_info_issuer_chain", "pck_crl_issuer_chain"}) {
    std::string pem = testing::ReadRealString(std::string("go-tdx-guest/extracted/") + name + ".pem");
    std::string encoded = testing::ReadRealString(std::string("go-tdx-guest/extracted/") + name + ".urlencoded.txt");
    // The extracted header value carries no trailing newline of its own.
    while (!encoded.empty() && (encoded.back() == '\n' || encoded.back() == '\r')) encoded.pop_back();
    EXPECT_EQ(PercentEncode(pem), encoded) << name;
    EXPECT_EQ(*PercentDecode(encoded), pem) << name;
    EXPECT_TRUE(encoded.ends_with("%0A"));
  }
}

TEST(Percent, DecodingRules) {
  EXPECT_EQ(*PercentDecode("a+b%20c"), "a+b c");  // '+' is not a space in Intel's headers
  EXPECT_EQ(PercentDecode("%").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentDecode("abc%4").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentDecode("%G1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentEncode("a-b_c.d~e f/g"), "a-b_c.d~e%20f%2Fg");
  // Azure's client double-encodes CRL URIs.
  EXPECT_EQ(*PercentDecodeFully("https%253a%252f%252fcertificates.trustedservices.intel.com%252fintelsgxrootca.crl"),
            "https://certificates.trustedservices.intel.com/intelsgxrootca.crl");
  EXPECT_EQ(*PercentDecodeFully("no escapes"), "no escapes");
  EXPECT_EQ(*PercentDecodeFully("100%"), "100%");  // a lone '%' that is not an escape stays
}

TEST(Pem, BlocksLabelsAndErrors) {
  std::string two = EncodePem("CERTIFICATE", Bytes{1, 2, 3}) + "comment between\n" + EncodePem("X509 CRL", Bytes(100, 7));
  auto blocks = ParsePem("leading text\n" + two);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ(blocks->size(), 2u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
  EXPECT_EQ((*blocks)[0].der, (Bytes{1, 2, 3}));
  EXPECT_EQ((*blocks)[1].label, "X509 CRL");
  EXPECT_EQ((*blocks)[1].der.size(), 100u);
  std::string pem = EncodePem("CERTIFICATE", Bytes(200, 9));
  for (size_t pos = pem.find('\n') + 1; pos < pem.size(); pos = pem.find('\n', pos) + 1) {
    size_t end = pem.find('\n', pos);
    if (end == std::string::npos) break;
    EXPECT_LE(end - pos, 64u);
  }
  EXPECT_FALSE(ParsePem("no pem here").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----END X509 CRL-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  EXPECT_FALSE(ParsePem("-----BEGIN CERTIFICATE-----\nAQID\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n").ok());
}

TEST(Files, MissingAndTooLarge) {
  EXPECT_EQ(ReadFileBytes("/nonexistent/thim").status().code(), StatusCode::kNotFound);
  auto real = testing::RealDataPath("teepot/extracted/tdx_tcb_info.body");
  EXPECT_TRUE(ReadFileString(real).ok());
  EXPECT_EQ(ReadFileString(real, 10).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim
