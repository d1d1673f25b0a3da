// UpstreamClient: the generic, vendor-neutral machinery for calling one
// upstream service: base URL, per-attempt timeout, retries with full-jitter
// exponential backoff, Retry-After, a token bucket, a concurrency cap,
// logging of the upstream's trace headers, and counters for /metrics.
// PcsClient (Intel) and later KdsClient (AMD) wrap it with their own rules.
//
// Outcome of Send():
//   * UpstreamResponse for every *final* HTTP answer that is not retryable
//     (2xx, 3xx, 400, 401, 404, 410, …): the caller interprets the status.
//   * Unavailable  – transport failures or 500/502/503/504 persisted through
//                    all attempts, or a 503 whose Retry-After exceeds the cap.
//   * ResourceExhausted – the upstream kept answering 429, or its Retry-After
//                    exceeds `retry.max_retry_after` (we fail fast instead of
//                    sleeping); or our own rate-limit / concurrency wait budget
//                    (max_queue_wait) ran out; or the body exceeded the limit.
//                    When a Retry-After was given its seconds appear in the
//                    message ("retry after 120 s") and in CallInfo::retry_after.
//   * InvalidArgument – a malformed path.
// 429 and 503 keep their distinct codes on purpose: ResourceExhausted means
// "you are over quota, come back after the advised delay"; Unavailable means
// "upstream is down", which the cache answers by serving within its grace window.
//
// Thread-safety: Send() and Stats() may be called concurrently. The
// HttpClient, Clock and Sleeper must outlive the client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "upstream/concurrency_limiter.h"
#include "upstream/http_client.h"
#include "upstream/sleeper.h"
#include "upstream/token_bucket.h"
#include "upstream/upstream_config.h"

namespace thim::upstream {

struct UpstreamRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string path_and_query;  // must start with '/', appended to base_url
  HttpHeaders headers;
  std::string body;
  // Non-idempotent requests are retried only on 429/503 (the server says it
  // did not process them), never after a transport failure mid-request.
  bool idempotent = true;
};

struct UpstreamResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;        // byte-exact
  std::string request_id;  // value of config.request_id_header, or ""
  int attempts = 0;        // HTTP exchanges it took (1 = no retry)
};

// Details of one Send() that a Status cannot carry. Filled on every outcome.
struct CallInfo {
  int attempts = 0;
  int last_http_status = 0;                         // 0 when no HTTP answer came
  std::optional<std::chrono::seconds> retry_after;  // last Retry-After seen on 429/503
  std::string request_id;                           // of the last HTTP answer
};

// A snapshot of the counters (monotonic since construction, except in_flight).
struct UpstreamStats {
  uint64_t calls = 0;     // Send() invocations
  uint64_t attempts = 0;  // HTTP exchanges tried
  uint64_t retries = 0;   // attempts after the first
  // Final outcome per call, by class. A call ends in exactly one of these.
  uint64_t final_2xx = 0;
  uint64_t final_3xx = 0;
  uint64_t final_4xx = 0;               // non-retryable 4xx returned to the caller
  uint64_t final_5xx = 0;               // Unavailable after 5xx (or non-retryable 5xx returned)
  uint64_t final_rate_limited = 0;      // ResourceExhausted from upstream 429 / long Retry-After
  uint64_t final_transport_error = 0;   // Unavailable after transport failures
  uint64_t final_local_rejected = 0;    // our own limits or bad input (queue wait, oversized, bad path)
  uint64_t upstream_429 = 0;            // every 429 received
  uint64_t retry_after_waits = 0;       // retries timed by Retry-After rather than backoff
  uint64_t rate_limit_waits = 0;        // calls the token bucket made wait
  uint64_t rate_limit_wait_ms = 0;      // total time spent waiting for tokens
  int64_t in_flight = 0;                // requests on the wire right now
};

class UpstreamClient {
 public:
  // Validates `config` (InvalidArgument on a bad field). `http` null means a
  // CurlHttpClient built from the config.
  static StatusOr<std::unique_ptr<UpstreamClient>> Create(UpstreamConfig config,
                                                          std::shared_ptr<HttpClient> http = nullptr,
                                                          const Clock& clock = SystemClock::Instance(),
                                                          Sleeper& sleeper = RealSleeper::Instance());

  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // Performs `request` with retries (see the file comment). `info`, if given,
  // receives the details of the call whatever the outcome.
  StatusOr<UpstreamResponse> Send(const UpstreamRequest& request, CallInfo* info = nullptr);

  UpstreamStats Stats() const;
  const UpstreamConfig& config() const { return config_; }

 private:
  struct Counters;
  UpstreamClient(UpstreamConfig config, std::shared_ptr<HttpClient> http, const Clock& clock, Sleeper& sleeper);

  std::chrono::nanoseconds Backoff(int retry);
  void LogAnswer(const UpstreamRequest& request, const HttpResponse& response, int attempt) const;

  UpstreamConfig config_;
  std::string base_;  // base_url without a trailing '/'
  std::shared_ptr<HttpClient> http_;
  const Clock& clock_;
  Sleeper& sleeper_;
  TokenBucket bucket_;
  ConcurrencyLimiter limiter_;
  std::unique_ptr<Counters> counters_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

}  // namespace thim::upstream
