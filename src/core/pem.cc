#include "core/pem.h"

namespace thim {
namespace {
constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";
}  // namespace

bool LooksLikePem(std::string_view text) { return text.find(kBegin) != std::string_view::npos; }

StatusOr<std::vector<PemBlock>> ParsePem(std::string_view text) {
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while (true) {
    size_t begin = text.find(kBegin, pos);
    if (begin == std::string_view::npos) break;
    size_t label_start = begin + kBegin.size();
    size_t label_end = text.find(kDashes, label_start);
    size_t eol = text.find('\n', label_start);
    if (label_end == std::string_view::npos || (eol != std::string_view::npos && label_end > eol))
      return InvalidArgumentError("PEM: malformed BEGIN line at offset " + std::to_string(begin));
    std::string label(text.substr(label_start, label_end - label_start));
    size_t body_start = label_end + kDashes.size();
    std::string end_marker = std::string(kEnd) + label + std::string(kDashes);
    size_t end = text.find(end_marker, body_start);
    size_t next_begin = text.find(kBegin, body_start);
    if (end == std::string_view::npos || (next_begin != std::string_view::npos && next_begin < end))
      return InvalidArgumentError("PEM: no END line for \"" + label + "\" block at offset " + std::to_string(begin));
    std::string_view body = text.substr(body_start, end - body_start);
    // Bodies use the standard alphabet (RFC 7468). Base64Decode also takes the
    // URL-safe one, whose '-' would let a stray "-----END OTHER-----" line pass.
    if (body.find_first_of("-_") != std::string_view::npos)
      return InvalidArgumentError("PEM: unexpected '-' or '_' in \"" + label + "\" block at offset " + std::to_string(begin));
    auto der = Base64Decode(body);
    if (!der.ok()) return der.status().WithContext("PEM \"" + label + "\" block at offset " + std::to_string(begin));
    if (der->empty()) return InvalidArgumentError("PEM: empty \"" + label + "\" block at offset " + std::to_string(begin));
    blocks.push_back({std::move(label), std::move(*der)});
    pos = end + end_marker.size();
  }
  if (blocks.empty()) return InvalidArgumentError("PEM: no BEGIN line found");
  return blocks;
}

std::string EncodePem(std::string_view label, ByteSpan der) {
  std::string b64 = Base64Encode(der);
  std::string out;
  out.reserve(b64.size() + b64.size() / 64 + 64);
  out.append(kBegin).append(label).append(kDashes).append("\n");
  for (size_t i = 0; i < b64.size(); i += 64) out.append(b64.substr(i, 64)).append("\n");
  out.append(kEnd).append(label).append(kDashes).append("\n");
  return out;
}

}  // namespace thim
