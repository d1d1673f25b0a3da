// Runs the real `thim` binary with `args`; stdout and stderr together.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace thim::testing {

struct ThimRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

inline ThimRun RunThim(const std::string& args) {
  std::string cmd = std::string(THIM_BINARY_DIR) + "/apps/thim " + args + " 2>&1";
  ThimRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace thim::testing
