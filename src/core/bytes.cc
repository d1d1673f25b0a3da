#include "core/bytes.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace thim {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool HasValidEscape(std::string_view s) {
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '%' && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) return true;
  }
  return false;
}

}  // namespace

std::string HexEncode(ByteSpan bytes, bool upper) {
  const char* digits = upper ? kHexUpper : kHexLower;
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xF];
  }
  return out;
}

StatusOr<Bytes> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex string has odd length " + std::to_string(hex.size()));
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("non-hex character at offset " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

bool IsHex(std::string_view s, size_t len) {
  if (len == 0 ? (s.empty() || s.size() % 2 != 0) : s.size() != len) return false;
  for (char c : s)
    if (HexValue(c) < 0) return false;
  return true;
}

std::string Base64Encode(ByteSpan bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = bytes[i] << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

StatusOr<Bytes> Base64Decode(std::string_view text) {
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  size_t symbols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return InvalidArgumentError("base64: data after padding at offset " + std::to_string(i));
    int v = Base64Value(c);
    if (v < 0) return InvalidArgumentError("base64: invalid character at offset " + std::to_string(i));
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if (padding > 2 || symbols % 4 == 1) return InvalidArgumentError("base64: invalid length");
  if (padding > 0 && (symbols + padding) % 4 != 0) return InvalidArgumentError("base64: invalid padding");
  return out;
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (char c : text) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      auto u = static_cast<uint8_t>(c);
      out += '%';
      out += kHexUpper[u >> 4];
      out += kHexUpper[u & 0xF];
    }
  }
  return out;
}

StatusOr<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size())
      return InvalidArgumentError("percent-encoding: truncated escape at offset " + std::to_string(i));
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("percent-encoding: invalid escape at offset " + std::to_string(i));
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

StatusOr<std::string> PercentDecodeFully(std::string_view text) {
  std::string current(text);
  for (int round = 0; round < 4 && HasValidEscape(current); ++round) {
    auto decoded = PercentDecode(current);
    if (!decoded.ok()) return round == 0 ? decoded.status() : StatusOr<std::string>(current);
    current = std::move(*decoded);
  }
  return current;
}

StatusOr<Bytes> ReadFileBytes(const std::string& path, size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path + ": " + std::strerror(errno));
  // Read in chunks rather than sizing the file first: pipes and /dev/fd/N
  // (process substitution) cannot seek.
  Bytes data;
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (data.size() + static_cast<size_t>(n) > max_size)
      return InvalidArgumentError(path + " is larger than the limit of " + std::to_string(max_size) + " bytes");
    data.insert(data.end(), chunk, chunk + n);
  }
  if (in.bad()) return DataLossError("read error on " + path);
  return data;
}

StatusOr<std::string> ReadFileString(const std::string& path, size_t max_size) {
  ASSIGN_OR_RETURN(Bytes data, ReadFileBytes(path, max_size));
  return std::string(data.begin(), data.end());
}

}  // namespace thim
