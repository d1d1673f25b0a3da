// The HTTP seam: one request in, one response (or a transport failure) out.
//
// Implementations: CurlHttpClient (libcurl, production), FakeHttpClient (tests).
// The contract is deliberately small so the retry / rate-limit machinery in
// UpstreamClient works the same for Intel PCS, AMD KDS or a test double.
//
// Thread-safety: HttpClient::Send may be called concurrently from any thread.
// HttpHeaders / HttpRequest / HttpResponse are plain values (not synchronised).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace thim::upstream {

enum class HttpMethod { kGet, kHead, kPost, kPut, kDelete };

std::string_view HttpMethodName(HttpMethod method);

// Response (or request) header fields in arrival order. Names compare
// case-insensitively (RFC 9110 §5.1; QCNL lower-cases them, PCS does not).
// Duplicates are kept; Get() returns the first occurrence so a later,
// possibly injected duplicate cannot override what the origin sent first.
class HttpHeaders {
 public:
  using Entry = std::pair<std::string, std::string>;

  void Add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }
  // Appends " <text>" to the last value (obsolete header line folding). No-op when empty.
  void AppendToLast(std::string_view text);

  // First value whose name matches `name` case-insensitively, else nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Convenience: Get(name) or "" when absent.
  std::string_view GetOr(std::string_view name, std::string_view fallback = {}) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<Entry> entries_;
};

// ASCII case-insensitive equality (header names are ASCII tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string url;  // absolute: scheme://host[:port]/path?query
  HttpHeaders headers;
  std::string body;  // sent for POST/PUT; binary-safe
  // Total time budget for this exchange (connect + send + receive).
  // Zero means "the client's default".
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  int status = 0;  // e.g. 200, 404, 503
  HttpHeaders headers;
  std::string body;  // exactly the bytes received (binary-safe)
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Performs one HTTP exchange. Never retries, never follows redirects.
  //
  // Every HTTP status (2xx…5xx) is a *successful* exchange and comes back as a
  // HttpResponse; a non-OK Status means no complete response was received:
  //   Unavailable       – DNS, connect, TLS, timeout, connection reset … (the
  //                       message carries the transport's own explanation);
  //                       retrying later may help.
  //   ResourceExhausted – the response exceeded the client's size limit; the
  //                       body was discarded. Retrying will not help.
  //   InvalidArgument   – the request itself is unusable (bad URL, scheme).
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace thim::upstream
