// Paths to the real public test vectors (../shared/testdata/real) and helpers
// for tests. THIM_TESTDATA overrides the compiled-in location.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/bytes.h"
#include "core/time.h"

namespace thim::testing {

inline std::string RealDataPath(const std::string& relative) {
  const char* env = std::getenv("THIM_TESTDATA");
  return std::string(env ? env : THIM_TESTDATA_DIR) + "/" + relative;
}

// Reads a real test vector; aborts the test binary if it is missing (the data
// is part of the repository's contract, a missing file is a setup error).
inline std::string ReadRealString(const std::string& relative) {
  auto s = ReadFileString(RealDataPath(relative));
  if (!s.ok()) {
    std::fprintf(stderr, "missing test vector %s: %s\n", relative.c_str(), s.status().ToString().c_str());
    std::abort();
  }
  return *s;
}
inline Bytes ReadRealBytes(const std::string& relative) {
  std::string s = ReadRealString(relative);
  return Bytes(s.begin(), s.end());
}

inline TimePoint At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

// An empty directory for the running test: <tmp>/<prefix>-<pid>-<test name>.
inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace thim::testing
