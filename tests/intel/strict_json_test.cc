// The strict JSON layer: what nlohmann-json alone would accept and we refuse,
// and that every refusal says where (byte offset or JSON path).
#include <gtest/gtest.h>

#include <string>

#include "intel/strict_json.h"

namespace thim::intel {
namespace {

std::string StrictJsonErrorOf(std::string_view text) {
  auto j = ParseStrictJson(text);
  EXPECT_FALSE(j.ok()) << text;
  if (j.ok()) return "";
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument) << j.status().ToString();
  return j.status().message();
}

TEST(StrictJson, AcceptsPlainJson) {
  EXPECT_TRUE(ParseStrictJson("{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\"}").ok());
  EXPECT_TRUE(ParseStrictJson(" \r\n\t{ \"a\" : 1 } \n").ok());
  EXPECT_TRUE(ParseStrictJson("{\"k\":\"caf\xc3\xa9\"}").ok());  // valid UTF-8
}

TEST(StrictJson, DuplicateKeysNameTheirObject) {
  EXPECT_EQ(StrictJsonErrorOf("{\"a\":1,\"a\":2}"), "malformed at top level: duplicate key \"a\"");
  EXPECT_EQ(StrictJsonErrorOf("{\"tcbInfo\":{\"tcbLevels\":[{},{\"tcb\":{\"pcesvn\":1,\"pcesvn\":1}}]}}"),
            "malformed at tcbInfo.tcbLevels[1].tcb: duplicate key \"pcesvn\"");
  // The same key spelled with an escape is the same key.
  EXPECT_EQ(StrictJsonErrorOf("{\"ab\":1,\"\\u0061b\":2}"), "malformed at top level: duplicate key \"ab\"");
  // Equal keys in different objects are fine.
  EXPECT_TRUE(ParseStrictJson("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}").ok());
}

TEST(StrictJson, DepthLimit) {
  auto nested = [](int depth) { return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']'); };
  EXPECT_TRUE(ParseStrictJson(nested(kMaxJsonDepth)).ok());
  EXPECT_NE(StrictJsonErrorOf(nested(kMaxJsonDepth + 1)).find("nesting deeper than 32 levels"), std::string::npos);
  // Far deeper than the stack could take without the limit.
  EXPECT_NE(StrictJsonErrorOf(nested(100000)).find("nesting deeper"), std::string::npos);
  std::string objects;
  for (int i = 0; i < 40; ++i) objects += "{\"k\":";
  objects += "1" + std::string(40, '}');
  EXPECT_EQ(StrictJsonErrorOf(objects).rfind("malformed at k.k.k", 0), 0u) << StrictJsonErrorOf(objects);
}

TEST(StrictJson, SyntaxErrorsGiveTheOffset) {
  EXPECT_NE(StrictJsonErrorOf("{\"a\":1,}").find("malformed at offset 7"), std::string::npos) << StrictJsonErrorOf("{\"a\":1,}");
  EXPECT_NE(StrictJsonErrorOf("{\"a\":1} x").find("malformed at offset 8"), std::string::npos) << StrictJsonErrorOf("{\"a\":1} x");
  EXPECT_NE(StrictJsonErrorOf("{\"a\":[1,2").find("(in a)"), std::string::npos) << StrictJsonErrorOf("{\"a\":[1,2");
  for (const char* bad : {"", "{", "{\"a\"", "{\"a\":", "{'a':1}", "{\"a\":1} // c", "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"x\ny\"}",
                          "{\"a\":NaN}", "{\"a\":1}{}", "\xef\xbb\xbf{}"})
    EXPECT_FALSE(ParseStrictJson(bad).ok()) << bad;
}

TEST(StrictJson, InvalidUtf8IsRejectedAndNotEchoed) {
  for (const char* bad : {"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"\xc0\xaf\":1}", "{\"a\":\"\xf4\x90\x80\x80\"}"}) {
    std::string e = StrictJsonErrorOf(bad);
    EXPECT_NE(e.find("malformed at offset"), std::string::npos) << e;
    for (char c : e) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << e;  // the offending bytes are escaped
  }
}

TEST(StrictJson, Oversized) {
  std::string big = "[" + std::string(kMaxJsonBytes, ' ') + "]";
  EXPECT_NE(StrictJsonErrorOf(big).find("more than 1048576"), std::string::npos);
  EXPECT_TRUE(ParseStrictJson(big, big.size()).ok());
}

TEST(StrictJson, SafeText) {
  EXPECT_EQ(SafeText("abc", 10), "abc");
  EXPECT_EQ(SafeText(std::string_view("a\0\xff\n", 4), 10), "a\\x00\\xff\\x0a");
  EXPECT_EQ(SafeText("abcdef", 3), "abc…");
}

TEST(JsonObject, TypedReadsSayWhereAndWhat) {
  auto j = *ParseStrictJson(
      "{\"s\":\"x\",\"n\":256,\"neg\":-1,\"f\":1.5,\"big\":18446744073709551615,\"h\":\"0A0b\",\"t\":\"2025-02-30T00:00:00Z\","
      "\"l\":[\"a\",1],\"o\":{}}");
  auto obj = *JsonObject::Of(j, "doc");
  EXPECT_EQ(obj.Int("n", 0, 255).status().message(), "malformed at doc.n: expected an integer 0..255");
  EXPECT_EQ(obj.Int("neg", 0, 255).status().message(), "malformed at doc.neg: expected an integer 0..255");
  EXPECT_EQ(obj.Int("f", 0, 255).status().message(), "malformed at doc.f: expected an integer, got number");
  EXPECT_EQ(obj.Int("big", 0, 255).status().message(), "malformed at doc.big: integer out of range");
  EXPECT_EQ(obj.Int("s", 0, 255).status().message(), "malformed at doc.s: expected an integer, got string");
  EXPECT_EQ(obj.String("n").status().message(), "malformed at doc.n: expected a string, got number");
  EXPECT_EQ(obj.String("missing").status().message(), "malformed at doc.missing: missing");
  EXPECT_EQ(*obj.Hex("h", 4), (Bytes{0x0a, 0x0b}));  // either case
  EXPECT_EQ(obj.Hex("h", 6).status().message(), "malformed at doc.h: expected 6 hex digits");
  EXPECT_NE(obj.IntelTime("t").status().message().find("malformed at doc.t: "), std::string::npos);
  EXPECT_EQ(obj.StringList("l").status().message(), "malformed at doc.l: element 1 is not a string");
  EXPECT_TRUE(obj.StringList("absent").ok());
  EXPECT_EQ(obj.Object("s").status().message(), "malformed at doc.s: expected an object, got string");
  EXPECT_EQ(obj.Array("o").status().message(), "malformed at doc.o: expected an array, got object");
  EXPECT_EQ(obj.OnlyKeys({"s", "n"}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim::intel
