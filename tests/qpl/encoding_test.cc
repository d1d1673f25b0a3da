// Wire encodings: issuer-chain percent-decoding reads to the end (Intel's
// drops the last two characters), hex, and customParameter's Base64.
#include <gtest/gtest.h>

#include "qpl/encoding.h"
#include "qpl/fetcher.h"

namespace thim::qpl {
namespace {

TEST(QplEncoding, PercentDecodeKeepsTheEnd) {
  EXPECT_EQ(PercentDecode("-----END%20CERTIFICATE-----%0A"), "-----END CERTIFICATE-----\n");
  EXPECT_EQ(PercentDecode("-----END CERTIFICATE-----"), "-----END CERTIFICATE-----") << "unencoded tail survives";
  EXPECT_EQ(PercentDecode("a+b%2bc%2Fd"), "a+b+c/d") << "'+' stays, both hex cases";
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("%zz%41"), "%zzA");
}

TEST(QplEncoding, HexAndBase64) {
  const uint8_t b[] = {0x00, 0x90, 0x6e, 0xd5, 0x00, 0x00};
  EXPECT_EQ(HexUpper(b, 6), "00906ED50000");
  EXPECT_EQ(*HexDecode("00906ed5"), std::string("\x00\x90\x6e\xd5", 4));
  EXPECT_FALSE(HexDecode("0"));
  EXPECT_FALSE(HexDecode("zz"));
  // Azure's test vector, with Intel's escaping of '+', '/', '='.
  const char p[] = "tcbEvaluationDataNum=11";
  EXPECT_EQ(Base64UrlParam(reinterpret_cast<const uint8_t*>(p), sizeof p), "dGNiRXZhbHVhdGlvbkRhdGFOdW09MTEA");
  const uint8_t q[] = {0xfb, 0xff};
  EXPECT_EQ(Base64UrlParam(q, 2), "%2B%2F8%3D");
}

TEST(QplEncoding, RetryAfter) {
  EXPECT_EQ(RetryAfterSeconds("3", 60), 3);
  EXPECT_EQ(RetryAfterSeconds("86400", 60), 60) << "capped";
  EXPECT_EQ(RetryAfterSeconds("", 60), -1);
  EXPECT_EQ(RetryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT", 60), -1);
  EXPECT_EQ(RetryAfterSeconds("-1", 60), -1);
}

}  // namespace
}  // namespace thim::qpl
