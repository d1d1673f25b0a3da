// Small encoders the QPL needs on the wire: hex, percent-decoding of issuer
// chains, Base64 for customParameter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace thim::qpl {

std::string HexUpper(const uint8_t* data, size_t n);
std::optional<std::string> HexDecode(const std::string& hex);

// %XX (either case) becomes the byte; everything else, including '+' and a
// '%' not followed by two hex digits, is kept as is. Unlike Intel's decoder
// it reads to the very end of the string.
std::string PercentDecode(const std::string& s);

// Standard Base64, then '+', '/', '=' escaped as %2B %2F %3D (Intel's form).
std::string Base64UrlParam(const uint8_t* data, size_t n);

}  // namespace thim::qpl
