// Running the `thim` CLI in tests: the binary, and real test vectors as quoted arguments.
#pragma once
#include <string>

#include "binary_runner.h"
#include "testdata.h"

namespace thim::testing {

inline BinaryRun Thim(const std::string& args) { return RunBinary("thim", args); }

// A real test vector's path, single-quoted for the command line.
inline std::string Real(const char* relative) { return "'" + RealDataPath(relative) + "'"; }

}  // namespace thim::testing
