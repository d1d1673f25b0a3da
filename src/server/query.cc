#include "server/query.h"

#include "core/bytes.h"

namespace thim::server {

Status ParseTarget(std::string_view target, std::string* path, QueryParams* query, size_t max_target,
                   size_t max_params) {
  if (target.size() > max_target) return InvalidArgumentError("request target longer than " + std::to_string(max_target));
  if (target.empty() || target[0] != '/') return InvalidArgumentError("request target must start with '/'");
  size_t q = target.find('?');
  *path = std::string(target.substr(0, q));
  query->clear();
  if (q == std::string_view::npos) return OkStatus();
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    if (query->size() >= max_params) return InvalidArgumentError("more than " + std::to_string(max_params) + " query parameters");
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key.ok()) return key.status().WithContext("query parameter name");
    if (!value.ok()) return value.status().WithContext("query parameter \"" + *key + "\"");
    query->emplace_back(std::move(*key), std::move(*value));
  }
  return OkStatus();
}

}  // namespace thim::server
