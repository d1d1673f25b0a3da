#include "upstream/upstream_client.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Upstream-controlled text going into our logs: no control characters (log
// injection) and bounded length.
std::string ForLog(std::string_view s, size_t max = 200) {
  std::string out;
  out.reserve(std::min(s.size(), max) + 3);
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  return out;
}

bool ValidPath(std::string_view p) {
  // A leading '/' keeps the path from extending the authority of base_url
  // ("https://host" + "@evil" would change the host).
  if (p.empty() || p.front() != '/') return false;
  for (unsigned char c : p) {
    if (c <= 0x20 || c == 0x7f || c == '#') return false;
  }
  return true;
}

int64_t Ms(nanoseconds d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

}  // namespace

struct UpstreamClient::Counters {
  std::atomic<uint64_t> calls{0}, attempts{0}, retries{0};
  std::atomic<uint64_t> final_2xx{0}, final_3xx{0}, final_4xx{0}, final_5xx{0};
  std::atomic<uint64_t> final_rate_limited{0}, final_transport_error{0}, final_local_rejected{0};
  std::atomic<uint64_t> upstream_429{0}, retry_after_waits{0}, rate_limit_waits{0}, rate_limit_wait_ms{0};
  std::atomic<int64_t> in_flight{0};

  void CountFinal(int status) {
    if (status >= 200 && status < 300) {
      ++final_2xx;
    } else if (status >= 300 && status < 400) {
      ++final_3xx;
    } else if (status >= 400 && status < 500) {
      ++final_4xx;
    } else {
      ++final_5xx;  // also 1xx/unknown: treat as a server fault
    }
  }
};

StatusOr<std::unique_ptr<UpstreamClient>> UpstreamClient::Create(UpstreamConfig config,
                                                                  std::shared_ptr<HttpClient> http,
                                                                  const Clock& clock, Sleeper& sleeper) {
  RETURN_IF_ERROR(ValidateUpstreamConfig(config));
  if (http == nullptr) http = std::make_shared<CurlHttpClient>(CurlOptionsFor(config));
  return std::unique_ptr<UpstreamClient>(new UpstreamClient(std::move(config), std::move(http), clock, sleeper));
}

UpstreamClient::UpstreamClient(UpstreamConfig config, std::shared_ptr<HttpClient> http, const Clock& clock,
                               Sleeper& sleeper)
    : config_(std::move(config)),
      base_(config_.base_url),
      http_(std::move(http)),
      clock_(clock),
      sleeper_(sleeper),
      bucket_(config_.rate_per_second, config_.burst, clock, sleeper),
      limiter_(config_.max_concurrency),
      counters_(std::make_unique<Counters>()),
      rng_(config_.jitter_seed != 0 ? config_.jitter_seed : std::random_device{}()) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

UpstreamClient::~UpstreamClient() = default;

nanoseconds UpstreamClient::Backoff(int retry) {
  double u;
  {
    std::lock_guard lock(rng_mu_);
    u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }
  return FullJitterBackoff(config_.retry, retry, u);
}

void UpstreamClient::LogAnswer(const UpstreamRequest& request, const HttpResponse& response, int attempt) const {
  std::string extra;
  if (!config_.request_id_header.empty()) {
    if (auto v = response.headers.Get(config_.request_id_header)) {
      extra += " " + config_.request_id_header + "=" + ForLog(*v);
    }
  }
  for (const auto& name : config_.log_headers) {
    if (auto v = response.headers.Get(name)) extra += " " + name + "=\"" + ForLog(*v) + "\"";
  }
  const auto level = response.status >= 400 ? spdlog::level::warn : spdlog::level::debug;
  spdlog::log(level, "upstream {}: {} {} -> {} (attempt {}/{}, {} bytes){}", config_.name,
              HttpMethodName(request.method), ForLog(request.path_and_query, 160), response.status, attempt,
              config_.retry.max_attempts, response.body.size(), extra);
}

StatusOr<UpstreamResponse> UpstreamClient::Send(const UpstreamRequest& request, CallInfo* info) {
  CallInfo local;
  CallInfo& ci = info != nullptr ? *info : local;
  ci = CallInfo{};
  Counters& c = *counters_;
  ++c.calls;

  if (!ValidPath(request.path_and_query)) {
    ++c.final_local_rejected;
    return InvalidArgumentError("upstream " + config_.name + ": path must start with '/' and contain no spaces, "
                                "control characters or fragment");
  }

  HttpRequest http_request{.method = request.method,
                           .url = base_ + request.path_and_query,
                           .headers = request.headers,
                           .body = request.body,
                           .timeout = config_.request_timeout};
  const std::string what = config_.name + " " + std::string(HttpMethodName(request.method)) + " " +
                           ForLog(request.path_and_query, 160);
  const int max_attempts = std::max(1, config_.retry.max_attempts);

  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= max_attempts;

    // Every attempt, retries included, spends a token: Intel counts them too.
    auto waited = bucket_.Acquire(config_.max_queue_wait);
    if (!waited.ok()) {
      ++c.final_local_rejected;
      return waited.status().WithContext("upstream " + what);
    }
    if (waited->count() > 0) {
      ++c.rate_limit_waits;
      c.rate_limit_wait_ms += static_cast<uint64_t>(Ms(*waited));
    }

    StatusOr<HttpResponse> result = InternalError("unreachable");
    {
      auto permit = limiter_.Acquire(config_.max_queue_wait);
      if (!permit.ok()) {
        ++c.final_local_rejected;
        return permit.status().WithContext("upstream " + what);
      }
      ++c.attempts;
      if (attempt > 1) ++c.retries;
      ++c.in_flight;
      result = http_->Send(http_request);
      --c.in_flight;
      // The permit is released here, before any backoff sleep, so a call
      // that is waiting to retry does not hold a slot.
    }
    ci.attempts = attempt;

    if (!result.ok()) {
      const Status& st = result.status();
      if (st.code() != StatusCode::kUnavailable) {  // oversized body, bad URL: retrying cannot help
        ++c.final_local_rejected;
        return st.WithContext("upstream " + what);
      }
      if (last || !request.idempotent) {
        ++c.final_transport_error;
        spdlog::warn("upstream {}: giving up after {} attempt(s): {}", what, attempt, st.message());
        return UnavailableError("upstream " + what + ": " + st.message() + " (after " + std::to_string(attempt) +
                                " attempt(s))");
      }
      const nanoseconds delay = Backoff(attempt - 1);
      spdlog::warn("upstream {}: {} (attempt {}/{}); retrying in {} ms", what, st.message(), attempt, max_attempts,
                   Ms(delay));
      sleeper_.Sleep(delay);
      continue;
    }

    HttpResponse& response = *result;
    LogAnswer(request, response, attempt);
    ci.last_http_status = response.status;
    ci.request_id = config_.request_id_header.empty()
                        ? std::string()
                        : std::string(response.headers.GetOr(config_.request_id_header));
    const std::string rid = ci.request_id.empty() ? "" : " (" + config_.request_id_header + " " +
                                                             ForLog(ci.request_id) + ")";

    const int status = response.status;
    const bool retryable = IsRetryableHttpStatus(status) && (request.idempotent || HonoursRetryAfter(status));
    if (!retryable) {
      c.CountFinal(status);
      return UpstreamResponse{.status = status,
                              .headers = std::move(response.headers),
                              .body = std::move(response.body),
                              .request_id = ci.request_id,
                              .attempts = attempt};
    }

    if (status == 429) ++c.upstream_429;
    std::optional<seconds> retry_after;
    if (HonoursRetryAfter(status)) {
      if (auto v = response.headers.Get("Retry-After")) retry_after = ParseRetryAfter(*v, clock_.Now());
    }
    ci.retry_after = retry_after;

    auto fail = [&](std::string why) -> Status {
      std::string msg = "upstream " + what + ": " + why;
      if (retry_after) msg += "; retry after " + std::to_string(retry_after->count()) + " s";
      msg += rid;
      spdlog::warn("{}", msg);
      if (status == 429) {
        ++c.final_rate_limited;
        return ResourceExhaustedError(std::move(msg));
      }
      ++c.final_5xx;
      return UnavailableError(std::move(msg));
    };

    if (retry_after && *retry_after > config_.retry.max_retry_after) {
      return fail("HTTP " + std::to_string(status) + " with Retry-After longer than the " +
                  std::to_string(config_.retry.max_retry_after.count()) + " s we are willing to wait");
    }
    if (last) {
      return fail("HTTP " + std::to_string(status) + " after " + std::to_string(attempt) + " attempt(s)");
    }
    nanoseconds delay;
    if (retry_after) {
      ++c.retry_after_waits;
      delay = *retry_after;
    } else {
      delay = Backoff(attempt - 1);
    }
    spdlog::info("upstream {}: HTTP {} (attempt {}/{}); retrying in {} ms", what, status, attempt, max_attempts,
                 Ms(delay));
    sleeper_.Sleep(delay);
  }
}

UpstreamStats UpstreamClient::Stats() const {
  const Counters& c = *counters_;
  UpstreamStats s;
  s.calls = c.calls.load();
  s.attempts = c.attempts.load();
  s.retries = c.retries.load();
  s.final_2xx = c.final_2xx.load();
  s.final_3xx = c.final_3xx.load();
  s.final_4xx = c.final_4xx.load();
  s.final_5xx = c.final_5xx.load();
  s.final_rate_limited = c.final_rate_limited.load();
  s.final_transport_error = c.final_transport_error.load();
  s.final_local_rejected = c.final_local_rejected.load();
  s.upstream_429 = c.upstream_429.load();
  s.retry_after_waits = c.retry_after_waits.load();
  s.rate_limit_waits = c.rate_limit_waits.load();
  s.rate_limit_wait_ms = c.rate_limit_wait_ms.load();
  s.in_flight = c.in_flight.load();
  return s;
}

}  // namespace thim::upstream
