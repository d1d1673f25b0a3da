// Precompiled for every test executable (THIM_TEST_PCH): the heavy headers
// nearly every test includes. Only third-party and standard headers belong
// here, so a test still compiles, with the same meaning, without the PCH.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
