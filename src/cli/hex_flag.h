// Hex-valued command-line options (--mrenclave, --measurement, …).
#pragma once
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/status.h"

namespace thim::cli {

// Empty text = option not given; anything else must be hex. Errors name the flag.
inline StatusOr<std::optional<Bytes>> OptionalHexFlag(const std::string& text, const char* flag) {
  if (text.empty()) return std::optional<Bytes>();
  auto b = HexDecode(text);
  if (!b.ok()) return InvalidArgumentError(std::string(flag) + ": " + b.status().message());
  return std::optional<Bytes>(std::move(*b));
}

}  // namespace thim::cli
