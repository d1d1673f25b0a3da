// The HTTP/1.1 server (Boost.Beast over Asio): keep-alive, optional TLS,
// bounded headers/bodies, read timeouts for slow clients, a connection cap,
// per-client request rate limits, request IDs, ETag/If-None-Match → 304,
// HEAD, and per-route metrics. Responses are written as one gather-write of
// the status line + headers and the body, so a prepared response's body is
// never copied.
//
// Thread-safety: Start/Stop/Wait from one controlling thread; handlers run on
// I/O threads and may reply from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/metrics.h"
#include "core/status.h"
#include "server/router.h"

namespace thim::server {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (tests)
  int threads = 0;       // 0 = one per core
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::seconds read_timeout{15};   // to receive a whole request once it started
  std::chrono::seconds idle_timeout{60};   // keep-alive connection with no request
  size_t max_connections = 10000;
  // Per client address; 0 = unlimited.
  double client_requests_per_second = 0;
  double client_burst = 0;
  // TLS: both files set → HTTPS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::seconds shutdown_grace{10};
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router, MetricsRegistry* metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. Unavailable when the address is taken.
  Status Start();
  uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace),
  // closes idle connections, joins the threads. Idempotent.
  void Stop();

  struct Impl;  // public so the .cc's session types can reach it; opaque here

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace thim::server
