#include "server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "server/offload.h"
#include "server/test_client.h"

namespace thim::server {
namespace {

using thim::testing::TestClient;

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    auto router = std::make_shared<Router>();
    auto prepared = std::make_shared<PreparedResponse>();
    prepared->header_lines = "Content-Type: application/json\r\nTCB-Info-Issuer-Chain: abc%0A\r\n";
    prepared->body = R"({"tcbInfo":{},"signature":"00"})";
    prepared->etag = "\"v1\"";
    router->Add("GET", "/prepared", "prepared", [prepared](const HttpRequest&, Reply reply) {
      reply(HttpResponse::FromPrepared(prepared));
    });
    router->Add("GET", "/echo", "echo", [](const HttpRequest& req, Reply reply) {
      std::string out = req.path;
      for (const auto& [k, v] : req.query) out += "|" + k + "=" + v;
      reply(HttpResponse::Text(200, out));
    });
    router->Add("POST", "/post", "post", [](const HttpRequest& req, Reply reply) {
      reply(HttpResponse::Text(200, std::to_string(req.body.size())));
    });
    router->Add("GET", "/async", "async", [this](const HttpRequest&, Reply reply) {
      Offload(async_pool_, std::move(reply), [](Reply reply) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        reply(HttpResponse::Text(200, "later"));
      });
    });
    router->Add("GET", "/error", "error", [](const HttpRequest&, Reply reply) {
      reply(HttpResponse::Error(NotFoundError("no TCB info for fmspc 001122334455")));
    });
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<HttpServer>(options, router, &metrics_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  uint16_t port() const { return server_->port(); }

  MetricsRegistry metrics_;
  BlockingPool async_pool_{2, 64};  // outlives the server: joined after it stopped
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesPreparedResponseWithRequestIdAndLength) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/prepared");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"tcbInfo":{},"signature":"00"})");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("tcb-info-issuer-chain"), "abc%0A");
  EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.Header("request-id").size(), 32u);
  // Keep-alive: a second request on the same connection, with our own ID echoed.
  auto r2 = c.Get("/prepared", "Request-ID: my-trace-1\r\n");
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.Header("request-id"), "my-trace-1");
  // An insane request ID is replaced, never echoed.
  auto r3 = c.Get("/prepared", "Request-ID: bad id with spaces\r\n");
  EXPECT_EQ(r3.Header("request-id").size(), 32u);
}

TEST_F(HttpServerTest, EtagGivesNotModified) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/prepared", "If-None-Match: \"v1\"\r\n");
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("etag"), "\"v1\"");
  auto r2 = c.Get("/prepared", "If-None-Match: \"v0\", W/\"v1\"\r\n");
  EXPECT_EQ(r2.status, 304);
  auto r3 = c.Get("/prepared", "If-None-Match: \"other\"\r\n");
  EXPECT_EQ(r3.status, 200);
  EXPECT_FALSE(r3.body.empty());
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/prepared", "", "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("content-length"), "31");
  auto r2 = c.Get("/prepared");  // the connection is still in sync
  EXPECT_EQ(r2.body.size(), 31u);
}

TEST_F(HttpServerTest, QueryIsDecodedAndErrorsAreJson) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/echo?fmspc=00906ED50000&uri=a%3Fb%26c&plus=a+b");
  EXPECT_EQ(r.body, "/echo|fmspc=00906ED50000|uri=a?b&c|plus=a+b");
  auto bad = c.Get("/echo?x=%ZZ");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"error\":\"InvalidArgument\""), std::string::npos);
  auto nf = c.Get("/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_NE(nf.body.find("\"error\":\"NotFound\""), std::string::npos);
  auto method = c.Get("/echo", "", "DELETE");
  EXPECT_EQ(method.status, 405);
  auto long_target = c.Get("/echo?" + std::string(9000, 'a'));
  EXPECT_EQ(long_target.status, 400);
  auto err = c.Get("/error");
  EXPECT_EQ(err.status, 404);
  EXPECT_EQ(err.body, R"({"error":"NotFound","message":"no TCB info for fmspc 001122334455"})");
}

TEST_F(HttpServerTest, AsyncReplyFromAnotherThread) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/async");
  EXPECT_EQ(r.body, "later");
  EXPECT_EQ(c.Get("/async").body, "later");
}

TEST_F(HttpServerTest, OversizedHeadersAndBodies) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  StartServer(o);
  {
    TestClient c(port());
    auto r = c.Get("/prepared", "X-Big: " + std::string(4000, 'a') + "\r\n");
    EXPECT_EQ(r.status, 431);
  }
  {
    TestClient c(port());
    c.SendRaw("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b'));
    EXPECT_EQ(c.Read().status, 413);
  }
  {
    TestClient c(port());
    c.SendRaw("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
    EXPECT_EQ(c.Read().body, "10");
  }
  {
    TestClient c(port());
    auto r = c.Get("/echo?" + std::string(9000, 'a'));  // longer than the header limit itself
    EXPECT_EQ(r.status, 431);
  }
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  StartServer();
  TestClient c(port());
  c.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.Read();
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(2000)));
}

TEST_F(HttpServerTest, SlowClientIsDisconnected) {
  ServerOptions o;
  o.read_timeout = std::chrono::seconds(1);
  o.idle_timeout = std::chrono::seconds(1);
  StartServer(o);
  TestClient c(port());
  c.SendRaw("GET /prepared HTTP/1.1\r\nHost: x\r\n");  // never finishes the headers
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(5000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  // The server still serves others.
  TestClient d(port());
  EXPECT_EQ(d.Get("/prepared").status, 200);
}

TEST_F(HttpServerTest, PerClientRateLimit) {
  ServerOptions o;
  o.client_requests_per_second = 1;
  o.client_burst = 3;
  StartServer(o);
  TestClient c(port());
  int ok = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = c.Get("/prepared");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.Header("retry-after"), "1");
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 3);
}

TEST_F(HttpServerTest, ConnectionCloseHonoured) {
  StartServer();
  TestClient c(port());
  auto r = c.Get("/prepared", "Connection: close\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(2000)));
}

TEST_F(HttpServerTest, ConcurrentClientsAndMetrics) {
  StartServer();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      TestClient c(port());
      for (int i = 0; i < 50; ++i) ok += c.Get("/prepared").status == 200;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  // Requests are counted when the write completes, which may be just after
  // the client has read the response.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text = metrics_.Render();
    if (text.find("thim_http_requests_total{route=\"prepared\",status=\"200\"} 400") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(text.find("thim_http_requests_total{route=\"prepared\",status=\"200\"} 400"), std::string::npos) << text;
  EXPECT_NE(text.find("thim_http_request_duration_seconds_count{route=\"prepared\"} 400"), std::string::npos);
}

TEST_F(HttpServerTest, StopIsGracefulAndIdempotent) {
  StartServer();
  TestClient c(port());
  EXPECT_EQ(c.Get("/prepared").status, 200);
  server_->Stop();
  EXPECT_TRUE(c.WaitClosed(std::chrono::milliseconds(2000)));
  server_->Stop();
}

TEST(HttpServerStart, PortInUseIsUnavailable) {
  auto router = std::make_shared<Router>();
  ServerOptions o;
  o.port = 0;
  HttpServer a(o, router, nullptr);
  ASSERT_TRUE(a.Start().ok());
  o.port = a.port();
  HttpServer b(o, router, nullptr);
  auto st = b.Start();
  // SO_REUSEADDR does not allow two listeners on Linux.
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
}

}  // namespace
}  // namespace thim::server
