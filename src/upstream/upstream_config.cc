#include "upstream/upstream_config.h"

namespace thim::upstream {
namespace {
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}
}  // namespace

Status ValidateUpstreamConfig(const UpstreamConfig& c) {
  if (c.name.empty()) return InvalidArgumentError("upstream.name is empty");
  if (!StartsWith(c.base_url, "https://") && !StartsWith(c.base_url, "http://")) {
    return InvalidArgumentError("upstream.base_url must start with https:// or http:// (got '" + c.base_url + "')");
  }
  if (c.base_url.find_first_of("?# ") != std::string::npos || HasControl(c.base_url)) {
    return InvalidArgumentError("upstream.base_url must not contain a query, fragment, spaces or control characters");
  }
  // The key goes into a header verbatim; a CR/LF would be header injection.
  if (HasControl(c.api_key)) return InvalidArgumentError("upstream.api_key contains control characters");
  if (c.connect_timeout.count() <= 0) return InvalidArgumentError("upstream.connect_timeout must be > 0");
  if (c.request_timeout.count() <= 0) return InvalidArgumentError("upstream.request_timeout must be > 0");
  if (c.retry.max_attempts < 1) return InvalidArgumentError("upstream.retry.max_attempts must be >= 1");
  if (c.retry.base_delay.count() < 0 || c.retry.max_delay.count() < 0 || c.retry.max_retry_after.count() < 0) {
    return InvalidArgumentError("upstream.retry delays must be >= 0");
  }
  if (c.rate_per_second > 0 && c.burst < 1) return InvalidArgumentError("upstream.burst must be >= 1");
  if (c.max_queue_wait.count() < 0) return InvalidArgumentError("upstream.max_queue_wait must be >= 0");
  if (c.max_response_bytes == 0) return InvalidArgumentError("upstream.max_response_bytes must be > 0");
  return OkStatus();
}

CurlHttpClientOptions CurlOptionsFor(const UpstreamConfig& c) {
  CurlHttpClientOptions o;
  o.connect_timeout = c.connect_timeout;
  o.default_timeout = c.request_timeout;
  o.max_response_bytes = c.max_response_bytes;
  o.ca_file = c.ca_file;
  o.verify_tls = c.verify_tls;
  o.proxy = c.proxy;
  o.user_agent = c.user_agent;
  // Enough idle handles to keep one warm connection per concurrent request.
  if (c.max_concurrency > 0) o.max_idle_handles = static_cast<size_t>(c.max_concurrency);
  return o;
}

}  // namespace thim::upstream
