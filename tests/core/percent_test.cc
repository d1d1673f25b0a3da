// Percent-encoding (URL coding) as Intel PCS uses it for issuer-chain headers.
#include <gtest/gtest.h>

#include <string>

#include "core/bytes.h"
#include "testdata.h"

namespace thim {
namespace {

std::string AllChars() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

// The extracted header values and their decoded PEM, byte-for-byte.
//
// Trailing newlines: each .pem ends with "-----END CERTIFICATE-----\n" and the
// .urlencoded.txt holds the header value exactly, with no newline of its own;
// the PEM's final "\n" is the value's final "%0A". So PercentEncode(pem) must
// equal the .txt file as read, with nothing stripped from either side.
TEST(Percent, EncodeMatchesIntelsIssuerChainHeadersExactly) {
  for (const std::string name : {"tcb_info_issuer_chain", "pck_crl_issuer_chain"}) {
    SCOPED_TRACE(name);
    std::string pem = testing::ReadRealString("go-tdx-guest/extracted/" + name + ".pem");
    std::string encoded = testing::ReadRealString("go-tdx-guest/extracted/" + name + ".urlencoded.txt");
    ASSERT_TRUE(pem.ends_with("-----END CERTIFICATE-----\n"));
    ASSERT_TRUE(encoded.ends_with("-----END%20CERTIFICATE-----%0A"));
    EXPECT_NE(encoded.back(), '\n');  // the header value carries no raw newline
    EXPECT_TRUE(encoded.starts_with("-----BEGIN%20CERTIFICATE-----%0A"));
    EXPECT_EQ(PercentEncode(pem), encoded);
    // Intel escapes '+', '/' and '=' from the base64 bodies, in upper-case hex.
    EXPECT_EQ(encoded.find_first_of("+/= \n"), std::string::npos);
  }
}

TEST(Percent, DecodeOfIntelsHeadersGivesThePemBack) {
  for (const std::string name : {"tcb_info_issuer_chain", "pck_crl_issuer_chain"}) {
    SCOPED_TRACE(name);
    std::string pem = testing::ReadRealString("go-tdx-guest/extracted/" + name + ".pem");
    std::string encoded = testing::ReadRealString("go-tdx-guest/extracted/" + name + ".urlencoded.txt");
    auto decoded = PercentDecode(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, pem);
    EXPECT_EQ(*PercentDecodeFully(encoded), pem);
    // A client that encoded Intel's header again is still understood.
    EXPECT_EQ(*PercentDecodeFully(PercentEncode(encoded)), pem);
  }
}

TEST(Percent, EncodeKeepsOnlyTheUnreservedSet) {
  EXPECT_EQ(PercentEncode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(PercentEncode("a-b_c.d~e f/g"), "a-b_c.d~e%20f%2Fg");
  EXPECT_EQ(PercentEncode("+/="), "%2B%2F%3D");
  EXPECT_EQ(PercentEncode("\n\r\t"), "%0A%0D%09");
  EXPECT_EQ(PercentEncode("%"), "%25");
  EXPECT_EQ(PercentEncode("?&#:@!*'()[]"), "%3F%26%23%3A%40%21%2A%27%28%29%5B%5D");
  EXPECT_EQ(PercentEncode("\xc3\xa9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(PercentEncode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(PercentEncode("\x7f\x80\xff"), "%7F%80%FF");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(Percent, EveryByteRoundTrips) {
  std::string all = AllChars();
  std::string enc = PercentEncode(all);
  // 66 unreserved characters stay, 190 become three characters.
  EXPECT_EQ(enc.size(), 66u + 190u * 3u);
  auto dec = PercentDecode(enc);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(*dec, all);
}

TEST(Percent, DecodeRules) {
  EXPECT_EQ(*PercentDecode("a+b%20c"), "a+b c");  // '+' is not a space in Intel's headers
  EXPECT_EQ(*PercentDecode("%2f%2F"), "//");      // either case of hex digit
  EXPECT_EQ(*PercentDecode("no escapes"), "no escapes");
  EXPECT_EQ(*PercentDecode(""), "");
  EXPECT_EQ(*PercentDecode("%2525"), "%25");  // decodes once only
  EXPECT_EQ(*PercentDecode("%00"), std::string("\0", 1));
  EXPECT_EQ(*PercentDecode("%41"), "A");
  EXPECT_EQ(*PercentDecode("x%41"), "xA");
}

TEST(Percent, MalformedEscapesAreInvalidArgument) {
  for (const char* bad : {"%", "%G1", "%1G", "%4", "abc%4", "abc%", "%%", "%%41", "% 41", "%-1", "%+1", "%\n0"}) {
    auto r = PercentDecode(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(PercentDecode("abc%4").status().message().find("offset 3"), std::string::npos);
}

TEST(PercentFully, DecodesDoubleAndTripleEncoding) {
  // Clients of THIM's `pckcrl?uri=` double-encode CRL URIs.
  const std::string uri = "https://certificates.trustedservices.intel.com/intelsgxrootca.crl";
  EXPECT_EQ(*PercentDecodeFully("https%253a%252f%252fcertificates.trustedservices.intel.com%252fintelsgxrootca.crl"), uri);
  EXPECT_EQ(*PercentDecodeFully(PercentEncode(uri)), uri);
  EXPECT_EQ(*PercentDecodeFully(PercentEncode(PercentEncode(uri))), uri);
  EXPECT_EQ(*PercentDecodeFully(PercentEncode(PercentEncode(PercentEncode(uri)))), uri);
  EXPECT_EQ(*PercentDecodeFully(PercentEncode(PercentEncode(PercentEncode(PercentEncode(uri))))), uri);
}

TEST(PercentFully, StopsAfterFourRounds) {
  std::string s = "/";
  for (int i = 0; i < 5; ++i) s = PercentEncode(s);
  EXPECT_EQ(s, "%252525252F");
  EXPECT_EQ(*PercentDecodeFully(s), "%2F");
}

TEST(PercentFully, TextWithoutValidEscapesIsUnchanged) {
  EXPECT_EQ(*PercentDecodeFully("no escapes"), "no escapes");
  EXPECT_EQ(*PercentDecodeFully(""), "");
  EXPECT_EQ(*PercentDecodeFully("100%"), "100%");  // a lone '%' that is not an escape stays
  EXPECT_EQ(*PercentDecodeFully("%G1"), "%G1");
  EXPECT_EQ(*PercentDecodeFully("a+b"), "a+b");
}

TEST(PercentFully, MalformedEscapeInTheFirstRoundIsAnError) {
  // There is a real escape to decode, and the first decode meets a broken one.
  EXPECT_EQ(PercentDecodeFully("%41%G1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentDecodeFully("%41%").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentDecodeFully("%41%4").status().code(), StatusCode::kInvalidArgument);
}

TEST(PercentFully, StopsWhenALaterRoundWouldBreak) {
  // "%2541%25" decodes once to "%41%": decoding that again would fail on the
  // trailing '%', so the literal '%' produced by the first round is kept.
  EXPECT_EQ(*PercentDecodeFully("%2541%25"), "%41%");
  EXPECT_EQ(*PercentDecodeFully("100%2525"), "100%");
}

}  // namespace
}  // namespace thim
