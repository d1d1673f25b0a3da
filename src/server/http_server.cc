#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/client_limiter.h"
#include "server/query.h"

namespace thim::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One io_context per I/O thread, each running on exactly one thread: a
// connection lives on one context, so it needs no strand, and streams use the
// concrete executor type rather than a type-erased one (both measurably
// cheaper per request than a shared multi-threaded context).
using Executor = asio::io_context::executor_type;
using PlainStream = beast::basic_stream<tcp, Executor>;
using TlsStream = beast::ssl_stream<PlainStream>;

namespace {

// Request IDs: echo a client's if it is sane, else 32 random hex digits.
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 0xF];
    id[16 + i] = kHex[(b >> (i * 4)) & 0xF];
  }
  return id;
}

// Header values come from handlers; never let one smuggle a CR/LF.
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ");
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  out.append("\r\n");
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (etag.empty()) return false;
  if (if_none_match == "*") return true;
  // A comma-separated list of (possibly weak) entity tags.
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    std::string_view tag = if_none_match.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

// Per-route metrics, created at start so the hot path only touches atomics.
class RequestMetrics {
 public:
  RequestMetrics(MetricsRegistry* registry, const std::vector<std::string>& routes) : registry_(registry) {
    if (registry_ == nullptr) return;
    for (const auto& r : routes) Register(r);
    for (const char* r : {"unmatched", "rejected"}) Register(r);
  }

  void Record(const std::string& route, int status, std::chrono::nanoseconds latency) {
    if (registry_ == nullptr) return;
    auto it = routes_.find(route);
    if (it == routes_.end()) it = routes_.find("unmatched");
    PerRoute& pr = it->second;
    pr.latency->Observe(latency);
    size_t idx = StatusIndex(status);
    if (idx < kStatuses.size()) {
      pr.by_status[idx]->Inc();
    } else {
      registry_->GetCounter("thim_http_requests_total", kHelp, {{"route", route}, {"status", std::to_string(status)}}).Inc();
    }
  }

 private:
  static constexpr const char* kHelp = "HTTP requests by route and status";
  static constexpr std::array<int, 12> kStatuses = {200, 304, 400, 401, 404, 405, 410, 413, 429, 431, 500, 503};
  static size_t StatusIndex(int status) {
    for (size_t i = 0; i < kStatuses.size(); ++i)
      if (kStatuses[i] == status) return i;
    return kStatuses.size();
  }
  struct PerRoute {
    std::array<Counter*, kStatuses.size()> by_status{};
    Histogram* latency = nullptr;
  };
  void Register(const std::string& route) {
    PerRoute pr;
    for (size_t i = 0; i < kStatuses.size(); ++i)
      pr.by_status[i] = &registry_->GetCounter("thim_http_requests_total", kHelp,
                                                {{"route", route}, {"status", std::to_string(kStatuses[i])}});
    pr.latency = &registry_->GetHistogram("thim_http_request_duration_seconds", "Time from request read to response written",
                                          {{"route", route}});
    routes_.emplace(route, pr);
  }
  MetricsRegistry* registry_;
  std::unordered_map<std::string, PerRoute> routes_;  // read-only after construction
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Close() = 0;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  MetricsRegistry* metrics_registry;
  std::unique_ptr<RequestMetrics> request_metrics;
  std::unique_ptr<ClientLimiter> client_limiter;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  size_t next_context = 0;
  std::optional<asio::ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};
  uint16_t bound_port = 0;
  bool started = false;
  bool stopped = false;

  std::mutex sessions_mu;
  std::unordered_set<std::shared_ptr<SessionBase>> sessions;

  Counter* rejected_connections = nullptr;

  void Accept();
  template <class Stream>
  void StartSession(Stream stream);
  void Track(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(sessions_mu);
    sessions.insert(s);
  }
  void Untrack(SessionBase* s) {
    std::lock_guard lock(sessions_mu);
    for (auto it = sessions.begin(); it != sessions.end(); ++it) {
      if (it->get() == s) {
        sessions.erase(it);
        break;
      }
    }
  }
};

namespace {

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, HttpServer::Impl* server, std::string peer)
      : stream_(std::move(stream)), server_(server), peer_(std::move(peer)) {}

  ~Session() override { server_->connections.fetch_sub(1); }

  void Run() {
    if constexpr (kIsTls) {
      beast::get_lowest_layer(stream_).expires_after(server_->options.read_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Finish();
                                self->ReadRequest();
                              });
    } else {
      ReadRequest();
    }
  }

  void Close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(self->stream_).close();
      } else {
        self->close_after_write_ = true;
      }
    });
  }

 private:
  static constexpr bool kIsTls = !std::is_same_v<Stream, PlainStream>;

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    // Idle keep-alive connections get the idle timeout; once bytes arrive the
    // whole request must come within read_timeout (slow-loris bound).
    beast::get_lowest_layer(stream_).expires_after(buffer_.size() > 0 ? server_->options.read_timeout
                                                                      : server_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    started_ = std::chrono::steady_clock::now();
    beast::get_lowest_layer(stream_).expires_after(server_->options.read_timeout);
    if (parser_->is_done()) return OnRequest();
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->OnRequest();
                     });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::header_limit) return Reject(431, "header fields larger than the limit");
    if (ec == http::error::body_limit) return Reject(413, "request body larger than the limit");
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
      return Finish();
    if (ec == http::error::partial_message) return Finish();
    if (ec.category() == beast::error_code(http::error::bad_target).category())
      return Reject(400, "malformed HTTP request: " + ec.message());
    Finish();
  }

  // Answers a request we could not parse, then closes the connection.
  void Reject(int status, const std::string& message) {
    keep_alive_ = false;
    linger_ = true;
    started_ = std::chrono::steady_clock::now();
    route_name_ = "rejected";
    request_id_ = NewRequestId();
    is_head_ = false;
    if_none_match_.clear();
    Write(HttpResponse::Error(status, status == 400 ? "InvalidArgument" : "ResourceExhausted", message));
  }

  void OnRequest() {
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive() && !server_->draining.load();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.peer = peer_;
    for (const auto& field : msg) req.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    req.body = std::move(msg.body());
    auto id = req.HeaderValue("Request-ID");
    request_id_ = id && IsSaneRequestId(*id) ? std::string(*id) : NewRequestId();
    req.request_id = request_id_;
    is_head_ = req.method == "HEAD";
    auto inm = req.HeaderValue("If-None-Match");
    if_none_match_ = inm ? std::string(*inm) : std::string();
    route_name_ = "unmatched";
    busy_ = true;

    if (server_->client_limiter && !server_->client_limiter->Allow(peer_)) {
      HttpResponse r = HttpResponse::Error(429, "ResourceExhausted", "too many requests from this client");
      r.headers.push_back({"Retry-After", "1"});
      return Write(std::move(r));
    }
    Status parsed = ParseTarget(req.target, &req.path, &req.query);
    if (!parsed.ok()) return Write(HttpResponse::Error(parsed));

    const Route* route = nullptr;
    switch (server_->router->Match(req.method, req.path, &route)) {
      case Router::MatchResult::kNotFound:
        return Write(HttpResponse::Error(404, "NotFound", "no such path: " + req.path.substr(0, 200)));
      case Router::MatchResult::kMethodNotAllowed:
        return Write(HttpResponse::Error(405, "InvalidArgument", "method " + req.method + " not allowed on " + req.path.substr(0, 200)));
      case Router::MatchResult::kFound:
        break;
    }
    route_name_ = route->name;
    server_->in_flight.fetch_add(1);
    auto self = this->shared_from_this();
    auto replied = std::make_shared<std::atomic<bool>>(false);
    route->handler(req, [self, replied](HttpResponse response) {
      if (replied->exchange(true)) return;  // a handler bug must not double-write
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->server_->in_flight.fetch_sub(1);
        self->Write(std::move(response));
      });
    });
  }

  void Write(HttpResponse response) {
    response_ = std::move(response);
    int status = response_.status;
    const PreparedResponse* prepared = response_.prepared.get();
    bool not_modified = status == 200 && prepared && !if_none_match_.empty() && EtagMatches(if_none_match_, prepared->etag);
    if (not_modified) status = 304;
    std::string_view body = prepared ? std::string_view(prepared->body) : std::string_view(response_.body);
    bool send_body = !is_head_ && status != 304 && status != 204;

    head_.clear();
    head_.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(ReasonPhrase(status)).append("\r\n");
    if (prepared) {
      if (not_modified) {
        AppendHeader(head_, "ETag", prepared->etag);
      } else {
        head_.append(prepared->header_lines);
      }
    }
    for (const auto& h : response_.headers) AppendHeader(head_, h.name, h.value);
    if (status != 304 && status != 204) AppendHeader(head_, "Content-Length", std::to_string(body.size()));
    AppendHeader(head_, "Request-ID", request_id_);
    if (!keep_alive_ || close_after_write_) head_.append("Connection: close\r\n");
    head_.append("\r\n");
    status_ = status;

    std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_), asio::buffer(body.data(), send_body ? body.size() : 0)};
    beast::get_lowest_layer(stream_).expires_after(server_->options.read_timeout);
    asio::async_write(stream_, buffers, [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    server_->request_metrics->Record(route_name_, status_, std::chrono::steady_clock::now() - started_);
    busy_ = false;
    response_ = HttpResponse();
    if (ec || !keep_alive_ || close_after_write_ || server_->draining.load()) return Finish();
    ReadRequest();
  }

  void Finish() {
    beast::error_code ec;
    if constexpr (kIsTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Done(); });
      return;
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (linger_) return Linger();
    }
    Done();
  }

  // After answering a request we refused mid-way (headers or body too large,
  // malformed), the client may still be sending: closing now would make the
  // kernel answer with a reset that can destroy our response before the
  // client reads it. Drain for a bounded time and amount first (as nginx's
  // lingering close does).
  void Linger() {
    linger_ = false;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    DrainSome(0);
  }
  void DrainSome(size_t drained) {
    if (drained > (4u << 20)) return Done();
    stream_.socket().async_read_some(asio::buffer(drain_buf_), [self = this->shared_from_this(), drained](beast::error_code ec, size_t n) {
      if (ec) return self->Done();
      self->DrainSome(drained + n);
    });
  }

  void Done() { server_->Untrack(this); }

  Stream stream_;
  HttpServer::Impl* server_;
  std::string peer_;
  beast::flat_buffer buffer_;  // bounded by the parser's header/body limits
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse response_;
  std::string head_;
  std::string request_id_;
  std::string route_name_;
  std::string if_none_match_;
  std::chrono::steady_clock::time_point started_;
  int status_ = 0;
  bool keep_alive_ = true;
  bool is_head_ = false;
  bool busy_ = false;
  bool close_after_write_ = false;
  bool linger_ = false;
  std::array<char, 4096> drain_buf_{};
};

}  // namespace

template <class Stream>
void HttpServer::Impl::StartSession(Stream stream) {
  std::string peer;
  beast::error_code ec;
  auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
  if (!ec) peer = endpoint.address().to_string();
  auto session = std::make_shared<Session<Stream>>(std::move(stream), this, std::move(peer));
  Track(session);
  session->Run();
}

void HttpServer::Impl::Accept() {
  asio::io_context& target = *contexts[next_context++ % contexts.size()];
  acceptor->async_accept(target.get_executor(), [this](beast::error_code ec, asio::basic_stream_socket<tcp, Executor> socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      if (draining.load() || connections.load() >= options.max_connections) {
        if (rejected_connections) rejected_connections->Inc();
        beast::error_code ignore;
        socket.shutdown(tcp::socket::shutdown_both, ignore);
        socket.close(ignore);
      } else {
        connections.fetch_add(1);
        socket.set_option(tcp::no_delay(true), ec);
        PlainStream stream(std::move(socket));
        if (tls) {
          StartSession(TlsStream(std::move(stream), *tls));
        } else {
          StartSession(std::move(stream));
        }
      }
    }
    Accept();
  });
}

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router, MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
  impl_->metrics_registry = metrics;
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return FailedPreconditionError("server already started");
  s.request_metrics = std::make_unique<RequestMetrics>(s.metrics_registry, s.router->RouteNames());
  if (s.metrics_registry) {
    s.rejected_connections = &s.metrics_registry->GetCounter("thim_http_rejected_connections_total",
                                                             "Connections refused at the connection cap or while draining");
    s.metrics_registry->AddGauge("thim_http_open_connections", "Open client connections",
                                 [impl = impl_.get()] { return std::vector<std::pair<Labels, double>>{{{}, double(impl->connections.load())}}; });
  }
  if (s.options.client_requests_per_second > 0)
    s.client_limiter = std::make_unique<ClientLimiter>(s.options.client_requests_per_second,
                                                       std::max(s.options.client_burst, s.options.client_requests_per_second));
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    s.tls.emplace(asio::ssl::context::tls_server);
    beast::error_code ec;
    s.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    s.tls->use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec) return InvalidArgumentError("TLS certificate " + s.options.tls_cert_file + ": " + ec.message());
    s.tls->use_private_key_file(s.options.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return InvalidArgumentError("TLS key " + s.options.tls_key_file + ": " + ec.message());
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(s.options.address, ec);
  if (ec) return InvalidArgumentError("listen address \"" + s.options.address + "\": " + ec.message());
  tcp::endpoint endpoint(address, s.options.port);
  int n = s.options.threads > 0 ? s.options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) s.contexts.push_back(std::make_unique<asio::io_context>(1));
  s.acceptor.emplace(*s.contexts[0]);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + s.options.address + ":" + std::to_string(s.options.port) + ": " + ec.message());
  s.bound_port = s.acceptor->local_endpoint().port();
  s.Accept();
  for (auto& ctx : s.contexts) {
    asio::io_context* c = ctx.get();
    s.threads.emplace_back([c] {
      auto work = asio::make_work_guard(*c);  // idle contexts wait for connections
      c->run();
    });
  }
  s.started = true;
  return OkStatus();
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.draining.store(true);
  // Close the listening socket on an I/O thread and wait for it: a socket
  // left listening would keep completing handshakes nobody answers.
  std::promise<void> closed;
  asio::post(*s.contexts[0], [&s, &closed] {
    beast::error_code ec;
    s.acceptor->close(ec);
    closed.set_value();
  });
  closed.get_future().wait_for(std::chrono::seconds(5));
  // Close idle connections now; busy ones close after their response.
  {
    std::lock_guard lock(s.sessions_mu);
    for (const auto& session : s.sessions) session->Close();
  }
  auto deadline = std::chrono::steady_clock::now() + s.options.shutdown_grace;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(s.sessions_mu);
      if (s.sessions.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& ctx : s.contexts) ctx->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  std::lock_guard lock(s.sessions_mu);
  s.sessions.clear();
}

}  // namespace thim::server
