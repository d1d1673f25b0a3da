#include "sim/pki/key_cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "testdata.h"

namespace thim::sim {
namespace {

// Points THIM_SIM_KEY_CACHE at a fresh directory for one test.
class SimKeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("THIM_SIM_KEY_CACHE")) saved_ = v;
    dir_ = testing::FreshTestDir("thim-key-cache");
    ::setenv("THIM_SIM_KEY_CACHE", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (saved_) ::setenv("THIM_SIM_KEY_CACHE", saved_->c_str(), 1);
    else ::unsetenv("THIM_SIM_KEY_CACHE");
    std::filesystem::remove_all(dir_);
  }
  // The index of the only rsa2048-<n>.pem in the directory.
  int OnlyIndex() {
    std::optional<int> found;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      std::string name = e.path().filename().string();
      EXPECT_FALSE(found.has_value()) << name;
      found = std::stoi(name.substr(std::string("rsa2048-").size()));
    }
    return found.value_or(-1);
  }
  std::filesystem::path KeyFile(int index) { return dir_ / ("rsa2048-" + std::to_string(index) + ".pem"); }

  std::optional<std::string> saved_;
  std::filesystem::path dir_;
};

TEST_F(SimKeyCacheTest, SavesReusesAndRegeneratesKeys) {
  auto first = SimRsaKey(2048);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  int n = OnlyIndex();
  ASSERT_GE(n, 0);
  EXPECT_EQ(*ReadFileString(KeyFile(n).string()), first->ToPem());
  EXPECT_EQ(std::filesystem::status(KeyFile(n)).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);  // private keys: 0600

  // Another process saved the next key already: it is read, not generated.
  auto saved = *crypto::PrivateKey::GenerateRsa(2048);
  std::ofstream(KeyFile(n + 1)) << saved.ToPem();
  auto second = SimRsaKey(2048);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->ToPem(), saved.ToPem());
  EXPECT_NE(second->ToPem(), first->ToPem());  // distinct within the process

  // A damaged or wrong-sized entry is replaced by a fresh key.
  std::ofstream(KeyFile(n + 2)) << "not a key";
  auto third = SimRsaKey(2048);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*ReadFileString(KeyFile(n + 2).string()), third->ToPem());
  std::ofstream(KeyFile(n + 3)) << crypto::PrivateKey::GenerateRsa(3072)->ToPem();
  auto fourth = SimRsaKey(2048);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(fourth->public_key().Algorithm(), "RSA 2048");
}

TEST_F(SimKeyCacheTest, UnsetMeansFreshKeysAndNoFiles) {
  ::unsetenv("THIM_SIM_KEY_CACHE");
  auto a = SimRsaKey(2048), b = SimRsaKey(2048);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->ToPem(), b->ToPem());
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

}  // namespace
}  // namespace thim::sim
