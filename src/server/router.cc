#include "server/router.h"

#include <set>

namespace thim::server {

void Router::Add(std::string_view method, std::string_view path, std::string name, Handler handler) {
  auto& entry = paths_[std::string(path)];
  entry.by_method.emplace_back(std::string(method), Route{std::move(name), std::move(handler)});
}

void Router::AddPrefix(std::string_view method, std::string_view prefix, std::string name, Handler handler) {
  for (auto& [p, entry] : prefixes_) {
    if (p == prefix) {
      entry.by_method.emplace_back(std::string(method), Route{std::move(name), std::move(handler)});
      return;
    }
  }
  PathEntry entry;
  entry.by_method.emplace_back(std::string(method), Route{std::move(name), std::move(handler)});
  prefixes_.emplace_back(std::string(prefix), std::move(entry));
}

Router::MatchResult Router::Match(std::string_view method, std::string_view path, const Route** route) const {
  const PathEntry* found = nullptr;
  if (auto it = paths_.find(std::string(path)); it != paths_.end()) {
    found = &it->second;
  } else {
    size_t best = 0;
    for (const auto& [p, entry] : prefixes_) {
      if (path.starts_with(p) && p.size() > best) {
        best = p.size();
        found = &entry;
      }
    }
  }
  if (!found) return MatchResult::kNotFound;
  for (const auto& [m, r] : found->by_method) {
    if (m == method || (method == "HEAD" && m == "GET")) {
      *route = &r;
      return MatchResult::kFound;
    }
  }
  return MatchResult::kMethodNotAllowed;
}

std::vector<std::string> Router::RouteNames() const {
  std::set<std::string> names;
  for (const auto& [path, entry] : paths_)
    for (const auto& [m, r] : entry.by_method) names.insert(r.name);
  for (const auto& [p, entry] : prefixes_)
    for (const auto& [m, r] : entry.by_method) names.insert(r.name);
  return {names.begin(), names.end()};
}

}  // namespace thim::server
