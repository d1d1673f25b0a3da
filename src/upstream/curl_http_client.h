// CurlHttpClient: the production HttpClient, on libcurl's easy interface.
//
// Behaviour (the "why" is in curl_http_client.cc):
//   * HTTP/1.1 only, no redirects followed, only http:// and https:// URLs.
//   * TLS peer and host verification always ON unless explicitly disabled;
//     TLS >= 1.2 (Intel PCS requires it). `ca_file` adds a private PKI
//     (e.g. a corporate TLS-inspecting proxy or a test CA).
//   * Connect timeout and total timeout (per request, else the default).
//   * The response body is bounded by `max_response_bytes`: larger responses
//     fail with ResourceExhausted and never grow memory beyond the limit.
//   * Connections are reused: finished easy handles go back to a small LIFO
//     pool (each handle keeps its own keep-alive connection cache), and all
//     handles share one DNS cache and TLS session cache through a CURLSH.
//   * No signals (CURLOPT_NOSIGNAL) - safe in a multi-threaded daemon.
//   * Proxies: libcurl's environment rules (https_proxy, no_proxy …) apply
//     unless `proxy` is set explicitly.
//   * curl_global_init runs once per process, thread-safely, on first
//     construction; curl_global_cleanup is never called (process lifetime).
//
// Thread-safety: Send() may be called concurrently; each call uses its own
// easy handle. The client must outlive all calls in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "upstream/http_client.h"

namespace thim::upstream {

struct CurlHttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds default_timeout{30'000};  // when HttpRequest::timeout is zero
  size_t max_response_bytes = 16 * 1024 * 1024;      // body limit; Intel's largest (pckcerts) is ~100 KiB
  std::string ca_file;                                 // extra/alternative CA bundle (PEM); empty = system store
  bool verify_tls = true;                              // only for tests/private labs; never in production
  std::string proxy;                                   // empty = libcurl's environment rules
  std::string user_agent = "thim/0.1";
  size_t max_idle_handles = 16;                        // pooled easy handles kept for reuse
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  ~CurlHttpClient() override;

  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  const CurlHttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  CurlHttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace thim::upstream
