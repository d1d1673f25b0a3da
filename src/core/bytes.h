// Byte buffers and the text encodings collateral travels in: hex, base64,
// percent-encoding (URL), and reading files. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace thim {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Lower-case hex by default (Intel emits upper case for IDs, lower for signatures).
std::string HexEncode(ByteSpan bytes, bool upper = false);
// Accepts either case; rejects odd length and non-hex characters.
StatusOr<Bytes> HexDecode(std::string_view hex);
// True when `s` is exactly `len` hex characters (len 0 = any even length > 0).
bool IsHex(std::string_view s, size_t len = 0);

// Standard alphabet with padding (RFC 4648 §4).
std::string Base64Encode(ByteSpan bytes);
// Accepts standard and URL-safe alphabets, with or without padding; ignores
// ASCII whitespace (PEM bodies). Rejects anything else.
StatusOr<Bytes> Base64Decode(std::string_view text);

// Percent-encodes everything but the unreserved set A-Z a-z 0-9 - _ . ~, as
// Intel PCS does for issuer-chain headers ("-----BEGIN%20CERTIFICATE-----%0A…").
std::string PercentEncode(std::string_view text);
// Decodes %XX sequences once. '+' is kept literally (it is not a space in
// Intel's headers, and base64 uses it). Malformed escapes are InvalidArgument.
StatusOr<std::string> PercentDecode(std::string_view text);
// Decodes repeatedly until no valid %XX remains (robust to double encoding,
// as THIM's `pckcrl?uri=` clients send). At most 4 rounds.
StatusOr<std::string> PercentDecodeFully(std::string_view text);

// Reads a whole file; refuses files larger than `max_size` (InvalidArgument).
StatusOr<Bytes> ReadFileBytes(const std::string& path, size_t max_size = 64 << 20);
StatusOr<std::string> ReadFileString(const std::string& path, size_t max_size = 64 << 20);

}  // namespace thim
