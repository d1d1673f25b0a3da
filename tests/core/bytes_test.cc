// Hex, base64 and file reading (core/bytes.h). Percent-encoding has its own file.
#include "core/bytes.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "testdata.h"

namespace thim {
namespace {

Bytes AllByteValues() {
  Bytes b(256);
  for (int i = 0; i < 256; ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}

std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

// --- hex ----------------------------------------------------------------------

TEST(Hex, EncodeIsLowerCaseByDefaultUpperOnRequest) {
  Bytes b = {0x00, 0x0A, 0xFF, 0x7B, 0xC0};
  EXPECT_EQ(HexEncode(b), "000aff7bc0");
  EXPECT_EQ(HexEncode(b, true), "000AFF7BC0");
  EXPECT_EQ(HexEncode(Bytes{}), "");
  EXPECT_EQ(HexEncode(Bytes{}, true), "");
}

TEST(Hex, DecodeAcceptsEitherCase) {
  Bytes b = {0x00, 0x0A, 0xFF, 0x7B};
  EXPECT_EQ(*HexDecode("000aff7b"), b);
  EXPECT_EQ(*HexDecode("000AFF7B"), b);
  EXPECT_EQ(*HexDecode("000AfF7b"), b);
  EXPECT_EQ(*HexDecode("00906ED50000"), (Bytes{0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00}));
  auto empty = HexDecode("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(Hex, RoundTripsEveryByte) {
  Bytes all = AllByteValues();
  EXPECT_EQ(*HexDecode(HexEncode(all)), all);
  EXPECT_EQ(*HexDecode(HexEncode(all, true)), all);
  EXPECT_EQ(HexEncode(all).size(), 512u);
}

TEST(Hex, RejectsOddLength) {
  for (const char* odd : {"a", "abc", "00906ED5000"}) {
    auto r = HexDecode(odd);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << odd;
  }
  EXPECT_NE(HexDecode("abc").status().message().find("odd"), std::string::npos);
}

TEST(Hex, RejectsNonHexCharacters) {
  for (const char* bad : {"zz", "0g", "g0", "0x12", "12 34", "12\n", "-1", "١٢", "ab\xff\xfe"}) {
    EXPECT_EQ(HexDecode(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(HexDecode(std::string_view("\0\0", 2)).status().code(), StatusCode::kInvalidArgument);
  // The error points at the offending character.
  EXPECT_NE(HexDecode("00zz").status().message().find("offset 2"), std::string::npos);
  EXPECT_NE(HexDecode("000z").status().message().find("offset 3"), std::string::npos);
}

TEST(Hex, IsHexWithExactLength) {
  EXPECT_TRUE(IsHex("00906ED50000", 12));
  EXPECT_TRUE(IsHex("00906ed50000", 12));
  EXPECT_FALSE(IsHex("00906ED5000G", 12));
  EXPECT_FALSE(IsHex("00906ED5000", 12));
  EXPECT_FALSE(IsHex("00906ED500000", 12));
  EXPECT_TRUE(IsHex("abc", 3));  // an explicit length is taken as given, even if odd
  EXPECT_FALSE(IsHex("", 2));
}

TEST(Hex, IsHexWithAnyEvenLength) {
  EXPECT_TRUE(IsHex("ab"));
  EXPECT_TRUE(IsHex("ABcd09"));
  EXPECT_FALSE(IsHex(""));
  EXPECT_FALSE(IsHex("abc"));
  EXPECT_FALSE(IsHex("ab cd"));
  EXPECT_FALSE(IsHex("0x"));
}

// --- base64 -----------------------------------------------------------------------

TEST(Base64, Rfc4648Section10Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},  {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded) << plain;
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status().ToString();
    EXPECT_EQ(Str(*decoded), plain);
  }
}

TEST(Base64, UnpaddedInputIsAccepted) {
  EXPECT_EQ(Str(*Base64Decode("Zg")), "f");
  EXPECT_EQ(Str(*Base64Decode("Zm8")), "fo");
  EXPECT_EQ(Str(*Base64Decode("Zm9vYg")), "foob");
  EXPECT_EQ(Str(*Base64Decode("Zm9vYmE")), "fooba");
}

TEST(Base64, EncodeUsesTheStandardAlphabet) {
  EXPECT_EQ(Base64Encode(Bytes{0xFB, 0xFF}), "+/8=");
  EXPECT_EQ(Base64Encode(Bytes{0xFB, 0xFF, 0xBF}), "+/+/");
  Bytes all = AllByteValues();
  std::string enc = Base64Encode(all);
  EXPECT_EQ(enc.size(), (256 + 2) / 3 * 4);
  EXPECT_EQ(enc.find_first_of("-_"), std::string::npos);
  EXPECT_EQ(*Base64Decode(enc), all);
}

TEST(Base64, UrlSafeAlphabetDecodesToTheSameBytes) {
  EXPECT_EQ(*Base64Decode("-_8="), (Bytes{0xFB, 0xFF}));
  EXPECT_EQ(*Base64Decode("-_8"), (Bytes{0xFB, 0xFF}));
  EXPECT_EQ(*Base64Decode("-_-_"), *Base64Decode("+/+/"));
  Bytes all = AllByteValues();
  std::string url = Base64Encode(all);
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(*Base64Decode(url), all);
}

TEST(Base64, RoundTripsEveryLength) {
  for (size_t n = 0; n <= 70; ++n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 37 + 11);
    std::string enc = Base64Encode(b);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto dec = Base64Decode(enc);
    ASSERT_TRUE(dec.ok()) << n;
    EXPECT_EQ(*dec, b) << n;
  }
}

TEST(Base64, IgnoresAsciiWhitespace) {
  EXPECT_EQ(Str(*Base64Decode("Zm9v\nYmFy\r\n")), "foobar");
  EXPECT_EQ(Str(*Base64Decode(" Zm 9v\tYm\r\nFy ")), "foobar");
  EXPECT_EQ(Str(*Base64Decode("Zg==\n")), "f");
  EXPECT_EQ(Str(*Base64Decode("\n\n")), "");
}

TEST(Base64, RejectsBadPadding) {
  for (const char* bad : {"=", "==", "===", "====", "Zg=", "Zg===", "Zm8==", "Zm9v=", "Zm9v==", "Zm9vYg=", "Z==="}) {
    EXPECT_EQ(Base64Decode(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Base64, RejectsDataAfterPadding) {
  for (const char* bad : {"Zg=x", "Zg==Zg==", "Zm8=Zm9v", "Zg==\nZg"}) {
    auto r = Base64Decode(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("after padding"), std::string::npos) << bad;
  }
}

TEST(Base64, RejectsImpossibleLength) {
  // 4k+1 symbols can never encode whole bytes.
  for (const char* bad : {"Z", "Zm9vY", "Zm9vYmFyZ", "Z\n"}) {
    EXPECT_EQ(Base64Decode(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Base64, RejectsCharactersOutsideBothAlphabets) {
  for (const char* bad : {"Zm9v!", "Zm9v.", "Zm9v*Ymfy", "Zm9v\v", "Zm9v\xc3\xa9", "%2B8="}) {
    EXPECT_EQ(Base64Decode(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(Base64Decode(std::string_view("Zm9v\0", 5)).status().code(), StatusCode::kInvalidArgument);
}

// --- AsBytes / AsChars -----------------------------------------------------------------

TEST(Bytes, AsBytesAndAsCharsViewTheSameMemory) {
  std::string s("a\0b", 3);
  ByteSpan b = AsBytes(s);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[1], 0);
  EXPECT_EQ(static_cast<const void*>(b.data()), static_cast<const void*>(s.data()));
  EXPECT_EQ(AsChars(b), s);
}

// --- files ----------------------------------------------------------------------

class Files : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = ::testing::TempDir() + "thim_bytes_test_" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    written_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& p : written_) std::remove(p.c_str());
  }
  std::vector<std::string> written_;
};

TEST_F(Files, MissingFileIsNotFound) {
  auto r = ReadFileBytes("/nonexistent/thim/file");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/thim/file"), std::string::npos);
  EXPECT_EQ(ReadFileString("/nonexistent/thim/file").status().code(), StatusCode::kNotFound);
}

TEST_F(Files, ReadsBinaryContentExactly) {
  std::string content("\0\x01\xff\r\n\x1a tail", 10);
  std::string path = Write("binary", content);
  auto bytes = ReadFileBytes(path);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(Str(*bytes), content);
  EXPECT_EQ(*ReadFileString(path), content);
}

TEST_F(Files, EmptyFileIsEmptyNotAnError) {
  auto r = ReadFileBytes(Write("empty", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST_F(Files, LargerThanOneChunk) {
  std::string content;
  for (int i = 0; i < 200000; ++i) content += static_cast<char>(i * 7);
  auto r = ReadFileString(Write("large", content));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, content);
}

TEST_F(Files, SizeLimitIsInclusive) {
  std::string path = Write("limit", std::string(100, 'x'));
  EXPECT_TRUE(ReadFileBytes(path, 100).ok());
  EXPECT_TRUE(ReadFileBytes(path, 101).ok());
  auto r = ReadFileBytes(path, 99);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("99"), std::string::npos);
  EXPECT_EQ(ReadFileString(path, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Files, SizeLimitAcrossChunks) {
  std::string path = Write("limit_chunks", std::string(150000, 'y'));
  EXPECT_TRUE(ReadFileBytes(path, 150000).ok());
  EXPECT_EQ(ReadFileBytes(path, 149999).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadFileBytes(path, 70000).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Files, DirectoryIsNotReadAsAnEmptyFile) {
  auto r = ReadFileBytes(::testing::TempDir());
  EXPECT_FALSE(r.ok());
}

TEST_F(Files, RealVector) {
  auto real = testing::RealDataPath("teepot/extracted/tdx_tcb_info.body");
  auto s = ReadFileString(real);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->empty());
  EXPECT_EQ(s->front(), '{');
  EXPECT_EQ(ReadFileString(real, 10).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim
