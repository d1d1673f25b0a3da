#include "server/router.h"

#include <set>

namespace thim::server {

void Router::Add(std::string_view method, std::string_view path, std::string name, Handler handler) {
  auto& entry = paths_[std::string(path)];
  entry.by_method.emplace_back(std::string(method), Route{std::move(name), std::move(handler)});
}

Router::MatchResult Router::Match(std::string_view method, std::string_view path, const Route** route) const {
  auto it = paths_.find(std::string(path));
  if (it == paths_.end()) return MatchResult::kNotFound;
  for (const auto& [m, r] : it->second.by_method) {
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
  return {names.begin(), names.end()};
}

}  // namespace thim::server
