// HTTP GET over libcurl for the QPL: timeouts, retries with backoff on
// network errors and 5xx, 429 honouring Retry-After, one reused connection
// pool per thread. Never throws.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "qpl/config.h"

namespace thim::qpl {

struct HttpResult {
  bool transport_ok = false;     // false: no HTTP response (connect, DNS, timeout, TLS)
  bool tls_untrusted = false;    // the peer's certificate did not verify
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; first occurrence wins
  std::string body;
  std::string error;             // curl's message when !transport_ok

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;
using LogFn = std::function<void(int level, const std::string&)>;

// One GET with the configured retries. `no_proxy`: connect directly whatever
// the *_proxy variables say (link-local IMDS must never go through a proxy).
HttpResult HttpGet(const Config& config, const std::string& url, const Headers& headers, const LogFn& log,
                   bool no_proxy = false);

// Seconds from a Retry-After header (delta-seconds form only), capped at
// `cap`; -1 when absent or unparsable.
long RetryAfterSeconds(const std::string& value, long cap);

}  // namespace thim::qpl
