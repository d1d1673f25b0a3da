// PcsClient: Intel PCS (Provisioning Certification Service) v4 over the
// generic UpstreamClient (retries, Retry-After, rate limit, concurrency cap).
//
// Subscription key rule (Ocp-Apim-Subscription-Key):
//   * never sent when the configured key is empty (or blank): PCS rejects an
//     empty key with 401 instead of treating it as anonymous (dcap#475);
//   * otherwise sent only to the endpoints that take it - the PCK certificate
//     family `/sgx/certification/v{3,4}/pckcert`, `/pckcerts`,
//     `/pckcerts/config` and `/sgx/registration/v1/package` - so the key
//     does not travel with requests that do not need it (TCB info, identities,
//     CRLs);
//   * except on the early-access host (validation.api.trustedservices.intel.com),
//     which wants it on every request (as Intel's PCCS does).
//
// Every answer is logged with Intel's Request-ID, Error-Code, Error-Message
// and Warning (deprecation notices). Outcomes are those of
// UpstreamClient::Send: the final non-retryable HTTP response (200, 400, 401,
// 404, 410, …) is returned as is; Unavailable after retries on 5xx/transport;
// ResourceExhausted on persistent 429 or an over-long Retry-After (seconds in
// the message and in CallInfo::retry_after).
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "upstream/http_client.h"
#include "upstream/sleeper.h"
#include "upstream/upstream_client.h"
#include "upstream/upstream_config.h"

namespace thim::upstream {

inline constexpr std::string_view kPcsDefaultBaseUrl = "https://api.trustedservices.intel.com";
inline constexpr std::string_view kPcsSubscriptionKeyHeader = "Ocp-Apim-Subscription-Key";

// True when PCS expects the subscription key on `path_and_query` (see above).
bool PcsPathTakesSubscriptionKey(std::string_view path_and_query);

class PcsClient {
 public:
  // name "intel-pcs", the production base URL, Intel's log headers; the
  // remaining fields keep UpstreamConfig's defaults.
  static UpstreamConfig DefaultConfig();

  // Validates `config`; `http` null means libcurl.
  static StatusOr<std::unique_ptr<PcsClient>> Create(UpstreamConfig config, std::shared_ptr<HttpClient> http = nullptr,
                                                     const Clock& clock = SystemClock::Instance(),
                                                     Sleeper& sleeper = RealSleeper::Instance());

  // GET base_url + path_and_query (e.g. "/sgx/certification/v4/tcb?fmspc=00906ED50000").
  StatusOr<UpstreamResponse> Get(std::string_view path_and_query, CallInfo* info = nullptr);

  // POST with a JSON body (pckcert / pckcerts / pckcerts/config with a
  // platform manifest). These are queries, so they are retried like GETs.
  StatusOr<UpstreamResponse> Post(std::string_view path, std::string json_body, CallInfo* info = nullptr);

  UpstreamStats Stats() const { return client_->Stats(); }
  const UpstreamConfig& config() const { return client_->config(); }
  bool has_api_key() const { return !api_key_.empty(); }

 private:
  PcsClient(std::unique_ptr<UpstreamClient> client, std::string api_key, bool key_on_every_request);
  void AddKey(std::string_view path, HttpHeaders& headers) const;

  std::unique_ptr<UpstreamClient> client_;
  std::string api_key_;  // trimmed; empty = never sent
  bool key_on_every_request_;
};

}  // namespace thim::upstream
