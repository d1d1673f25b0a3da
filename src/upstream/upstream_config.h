// UpstreamConfig: everything that shapes how thimd talks to one upstream
// (Intel PCS today, AMD KDS later). Defaults are safe for Intel PCS from a
// single replica; PcsClient::DefaultConfig() fills in the PCS specifics.
//
// Value type; thread-safe to read concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "upstream/curl_http_client.h"
#include "upstream/retry_policy.h"

namespace thim::upstream {

struct UpstreamConfig {
  // Short name used in logs and metrics ("intel-pcs", "amd-kds").
  std::string name = "upstream";
  // scheme://host[:port][/prefix], no query; a trailing '/' is ignored.
  // http:// is accepted for loopback simulators and tests.
  std::string base_url;
  // Subscription key. Empty = none; an empty key header is never sent
  // (Intel rejects it with 401, the PCCS bug in dcap#475).
  std::string api_key;

  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};  // per attempt, connect included
  RetryPolicy retry;

  // Client-side token bucket; rate <= 0 disables it. Intel publishes no
  // limits; 10/s with a burst of 20 stays well clear of 429s in practice
  // while letting a cold cache fill quickly.
  double rate_per_second = 10.0;
  double burst = 20.0;
  // Requests in flight at once; <= 0 disables the cap.
  int max_concurrency = 8;
  // Longest a call waits for a rate-limit slot or a concurrency slot (each,
  // per attempt) before failing with ResourceExhausted.
  std::chrono::milliseconds max_queue_wait{30'000};

  std::string ca_file;     // PEM bundle for a private PKI / TLS-inspecting proxy; empty = system store
  bool verify_tls = true;  // never false in production
  std::string proxy;       // empty = libcurl's environment rules (https_proxy, no_proxy)
  size_t max_response_bytes = 16 * 1024 * 1024;
  std::string user_agent = "thim/0.1";

  // Response header carrying the upstream's trace id (PCS: "Request-ID");
  // copied into UpstreamResponse and error messages. Empty = none.
  std::string request_id_header;
  // Further response headers worth logging (PCS: Error-Code, Error-Message, Warning).
  std::vector<std::string> log_headers;

  // Seed for backoff jitter; 0 = seeded from std::random_device. Tests pin it.
  uint64_t jitter_seed = 0;
};

// InvalidArgument naming the first bad field, else OK.
Status ValidateUpstreamConfig(const UpstreamConfig& config);

// The transport options implied by `config`.
CurlHttpClientOptions CurlOptionsFor(const UpstreamConfig& config);

}  // namespace thim::upstream
