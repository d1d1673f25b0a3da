// Runs one of the project's built programs (build/apps/<name>) as a child
// process, the way a user runs it: its exit code and stdout+stderr together.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace thim::testing {

struct BinaryRun {
  int exit_code = -1;  // -1 when the program did not exit normally
  std::string out;     // stdout and stderr together
};

// `args` is appended to the command line as is (quote paths with spaces).
inline BinaryRun RunBinary(const std::string& program, const std::string& args) {
  std::string cmd = std::string(THIM_BINARY_DIR) + "/apps/" + program + " " + args + " 2>&1";
  BinaryRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace thim::testing
