// The QPL's disk cache files: a round trip, and a file it did not write is ignored.
#include "qpl/cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "core/bytes.h"
#include "testdata.h"

namespace thim::qpl {
namespace {

TEST(QplCacheFiles, RoundTripAndOnlyLowerCaseHexIsRead) {
  auto dir = testing::FreshTestDir("thim-qpl-cache");
  LogFn quiet = [](int, const std::string&) {};
  CachedItem item;
  item.type = kCollateral;
  item.expires = 4102444800;  // 2100
  item.fields = {{"body", std::string("\x00\xab\xff{\"x\":1}", 10)}};
  Cache(dir.string(), quiet).Put("tcb/sgx/00906ED50000/standard", item);

  auto back = Cache(dir.string(), quiet).Get("tcb/sgx/00906ED50000/standard", 0);  // fresh memory: from disk
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->Field("body"), item.Field("body"));
  EXPECT_EQ(back->expires, item.expires);

  // The same file with its hex in upper case is not one this library wrote.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  std::string text = *ReadFileString(files[0].string());
  std::string hex = HexEncode(AsBytes(item.Field("body")));
  size_t at = text.find(hex);
  ASSERT_NE(at, std::string::npos) << text;
  std::string upper = hex;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  text.replace(at, hex.size(), upper);
  std::ofstream(files[0], std::ios::trunc) << text;
  EXPECT_EQ(Cache(dir.string(), quiet).Get("tcb/sgx/00906ED50000/standard", 0), nullptr);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace thim::qpl
