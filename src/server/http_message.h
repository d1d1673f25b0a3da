// Request and response types seen by handlers, independent of Boost.Beast.
//
// A response is either built per request (status + headers + body), or points
// at an immutable PreparedResponse rendered once when collateral was cached:
// the hot path then writes the prepared bytes plus a few per-request headers,
// with no parsing and no copy of the body.
// Thread-safety: value types; PreparedResponse is immutable and shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/prepared_response.h"
#include "core/status.h"

namespace thim::server {

struct Header {
  std::string name;
  std::string value;
};

// Query parameters in order of appearance, percent-decoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", "HEAD", …
  std::string target;  // raw request target, e.g. "/sgx/certification/v4/tcb?fmspc=…"
  std::string path;    // target before '?', not decoded
  QueryParams query;
  std::vector<Header> headers;  // as received (names in original case)
  std::string body;
  std::string request_id;  // echoed from the client or generated
  std::string peer;        // client address, for logs and per-client limits

  // Case-insensitive header lookup; first occurrence.
  std::optional<std::string_view> HeaderValue(std::string_view name) const;
  // The value of query parameter `name`, if present exactly once.
  std::optional<std::string_view> Param(std::string_view name) const;
  // How many times `name` appears in the query.
  size_t ParamCount(std::string_view name) const;
};

using thim::PreparedResponse;

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;  // per-request headers (added after the prepared ones)
  std::string body;             // used when `prepared` is null
  std::shared_ptr<const PreparedResponse> prepared;

  static HttpResponse FromPrepared(std::shared_ptr<const PreparedResponse> p) {
    HttpResponse r;
    r.status = p->status;
    r.prepared = std::move(p);
    return r;
  }
  // {"error":"<CanonicalCode>","message":"…"} with the status matching the code.
  static HttpResponse Error(const Status& status);
  static HttpResponse Error(int http_status, std::string_view code_name, std::string_view message);
  static HttpResponse Json(int http_status, std::string body);
  static HttpResponse Text(int http_status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// The HTTP status used for a canonical code (InvalidArgument → 400, NotFound →
// 404, OutOfRange → 410, ResourceExhausted → 429, Unavailable → 503, …).
int HttpStatusFor(StatusCode code);
std::string_view ReasonPhrase(int status);

// ASCII case-insensitive comparison (header names, "true"/"TRUE" flags).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace thim::server
