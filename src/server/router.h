// Maps (method, path) to a handler. Built once at start-up, then read-only:
// Match() is safe to call concurrently from every I/O thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/http_message.h"

namespace thim::server {

// Must be called exactly once, from any thread.
using Reply = std::function<void(HttpResponse)>;
using Handler = std::function<void(const HttpRequest&, Reply)>;

struct Route {
  std::string name;  // metrics label, e.g. "sgx_v4_tcb"
  Handler handler;
};

class Router {
 public:
  // Exact path. GET routes also answer HEAD.
  void Add(std::string_view method, std::string_view path, std::string name, Handler handler);

  // Every path starting with `prefix` that has no exact route (AMD KDS paths
  // carry the chip ID in the path). The longest matching prefix wins.
  void AddPrefix(std::string_view method, std::string_view prefix, std::string name, Handler handler);
  enum class MatchResult { kFound, kNotFound, kMethodNotAllowed };
  // On kFound, `*route` points into the router (valid while it lives).
  MatchResult Match(std::string_view method, std::string_view path, const Route** route) const;

  // Route names, for pre-registering metrics.
  std::vector<std::string> RouteNames() const;

 private:
  struct PathEntry {
    std::vector<std::pair<std::string, Route>> by_method;
  };
  std::unordered_map<std::string, PathEntry> paths_;
  std::vector<std::pair<std::string, PathEntry>> prefixes_;
};

}  // namespace thim::server
