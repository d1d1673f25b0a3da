// The translation unit that builds tests/test_pch.h's precompiled header,
// which every test executable reuses (see tests/CMakeLists.txt).
#include "test_pch.h"
