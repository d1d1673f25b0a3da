// Real libcurl against a loopback server on 127.0.0.1 (never anything else).
#include "upstream/curl_http_client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "loopback_http_server.h"
#include "upstream/pcs_client.h"
#include "upstream/upstream_client.h"

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;
using testing::LoopbackHttpServer;
using testing::LoopbackReply;
using testing::LoopbackRequest;

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 4096; ++i) s.push_back(static_cast<char>(i * 7 % 256));
  return s;
}

CurlHttpClientOptions Fast() {
  CurlHttpClientOptions o;
  o.connect_timeout = milliseconds(2000);
  o.default_timeout = milliseconds(5000);
  o.proxy = "";  // loopback only; environment proxies must not apply
  return o;
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A proxy from the environment would send loopback traffic elsewhere.
    setenv("no_proxy", "127.0.0.1", 1);
    setenv("NO_PROXY", "127.0.0.1", 1);
  }
};

TEST_F(CurlHttpClientTest, BinaryBodyArrivesByteExact) {
  const std::string body = AllBytes();
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return LoopbackReply{.status = 200, .headers = {{"Content-Type", "application/octet-stream"}}, .body = body};
  });
  CurlHttpClient client(Fast());
  auto r = client.Send({.url = server.Url("/bin")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, body);
  EXPECT_EQ(r->headers.Get("content-type"), "application/octet-stream");
}

TEST_F(CurlHttpClientTest, HeadersAreCaseInsensitiveFirstWins) {
  LoopbackHttpServer server([](const LoopbackRequest&) {
    return LoopbackReply{.status = 404,
                         .headers = {{"request-id", "abc"}, {"X-Dup", "one"}, {"x-dup", "two"},
                                     {"TCB-Info-Issuer-Chain", "-----BEGIN%20CERTIFICATE-----%0A"}}};
  });
  CurlHttpClient client(Fast());
  auto r = client.Send({.url = server.Url("/h")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 404);  // an HTTP error status is not a transport error
  EXPECT_EQ(r->headers.Get("Request-ID"), "abc");
  EXPECT_EQ(r->headers.Get("X-DUP"), "one");
  EXPECT_EQ(r->headers.Get("tcb-info-issuer-chain"), "-----BEGIN%20CERTIFICATE-----%0A");
}

TEST_F(CurlHttpClientTest, PostSendsBodyAndHeaders) {
  std::string got_body, got_type, got_method, got_expect = "unset";
  LoopbackHttpServer server([&](const LoopbackRequest& req) {
    got_body = req.body;
    got_method = req.method;
    got_type = std::string(req.headers.GetOr("Content-Type"));
    if (auto e = req.headers.Get("Expect")) got_expect = std::string(*e);
    return LoopbackReply{.status = 201, .body = "ok"};
  });
  CurlHttpClient client(Fast());
  HttpRequest req{.method = HttpMethod::kPost, .url = server.Url("/post"), .body = std::string("{\"a\":\"\0\"}", 9)};
  req.headers.Add("Content-Type", "application/json");
  auto r = client.Send(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(got_method, "POST");
  EXPECT_EQ(got_body, std::string("{\"a\":\"\0\"}", 9));
  EXPECT_EQ(got_type, "application/json");
  EXPECT_EQ(got_expect, "unset");
}

TEST_F(CurlHttpClientTest, KeepAliveReusesOneConnection) {
  LoopbackHttpServer server([](const LoopbackRequest&) { return LoopbackReply{.body = "x"}; });
  CurlHttpClient client(Fast());
  for (int i = 0; i < 5; ++i) {
    auto r = client.Send({.url = server.Url("/k")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(CurlHttpClientTest, ConnectionRefusedIsUnavailable) {
  CurlHttpClient client(Fast());
  auto r = client.Send({.url = "http://127.0.0.1:" + std::to_string(LoopbackHttpServer::UnusedPort()) + "/"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("curl:"), std::string::npos) << r.status().message();
}

TEST_F(CurlHttpClientTest, SlowServerTimesOutAsUnavailable) {
  LoopbackHttpServer server([](const LoopbackRequest&) { return LoopbackReply{.delay = milliseconds(5000)}; });
  CurlHttpClient client(Fast());
  const auto start = std::chrono::steady_clock::now();
  auto r = client.Send({.url = server.Url("/slow"), .timeout = milliseconds(300)});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("CURLcode 28"), std::string::npos) << r.status().message();
  EXPECT_LT(took, milliseconds(3000));
}

TEST_F(CurlHttpClientTest, OversizedBodyIsRefusedWithOrWithoutContentLength) {
  const std::string big(64 * 1024, 'z');
  for (bool content_length : {true, false}) {
    LoopbackHttpServer server(
        [&](const LoopbackRequest&) { return LoopbackReply{.body = big, .content_length = content_length}; });
    auto o = Fast();
    o.max_response_bytes = 16 * 1024;
    CurlHttpClient client(o);
    auto r = client.Send({.url = server.Url("/big")});
    ASSERT_FALSE(r.ok()) << "content_length=" << content_length;
    EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
    // Exactly at the limit is fine.
    o.max_response_bytes = big.size();
    CurlHttpClient exact(o);
    auto ok = exact.Send({.url = server.Url("/big")});
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->body.size(), big.size());
  }
}

TEST_F(CurlHttpClientTest, RejectsNonHttpSchemesAndHeaderInjection) {
  CurlHttpClient client(Fast());
  EXPECT_EQ(client.Send({.url = "file:///etc/passwd"}).status().code(), StatusCode::kInvalidArgument);
  HttpRequest req{.url = "http://127.0.0.1:1/"};
  req.headers.Add("X-Bad", "a\r\nX-Injected: 1");
  EXPECT_EQ(client.Send(req).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CurlHttpClientTest, ConcurrentSendsAreSafe) {
  LoopbackHttpServer server([](const LoopbackRequest& req) { return LoopbackReply{.body = req.target}; });
  CurlHttpClient client(Fast());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        auto r = client.Send({.url = server.Url(path)});
        if (r.ok() && r->body == path) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_LE(server.connections(), 4 + 4);  // pooled handles keep connections warm
}

// The whole stack on the wire: PcsClient → UpstreamClient → libcurl → loopback.
TEST_F(CurlHttpClientTest, PcsClientRetries503ThenSucceedsAndSendsKeyOnlyWhereDue) {
  std::atomic<int> calls{0};
  std::atomic<int> keyed{0};
  LoopbackHttpServer server([&](const LoopbackRequest& req) {
    if (req.headers.Has("Ocp-Apim-Subscription-Key")) ++keyed;
    if (calls++ == 0) return LoopbackReply{.status = 503, .headers = {{"Retry-After", "1"}}};
    return LoopbackReply{.status = 200, .headers = {{"Request-ID", "feedface"}}, .body = "{\"tcbInfo\":{}}"};
  });
  FakeClock clock(FromUnixSeconds(1'767'225'600));
  FakeSleeper sleeper(&clock);
  UpstreamConfig c = PcsClient::DefaultConfig();
  c.base_url = server.Url("");
  c.api_key = "k";
  c.proxy = "";
  auto pcs = PcsClient::Create(c, nullptr, clock, sleeper);
  ASSERT_TRUE(pcs.ok()) << pcs.status().ToString();
  auto r = (*pcs)->Get("/sgx/certification/v4/tcb?fmspc=00906ED50000");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->request_id, "feedface");
  EXPECT_EQ(r->body, "{\"tcbInfo\":{}}");
  EXPECT_EQ(sleeper.sleeps(), (std::vector<std::chrono::nanoseconds>{std::chrono::seconds(1)}));
  EXPECT_EQ(keyed.load(), 0);  // TCB info takes no key
  auto r2 = (*pcs)->Get("/sgx/certification/v4/pckcerts?encrypted_ppid=00&pceid=0000");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(keyed.load(), 1);
  EXPECT_EQ(server.connections(), 1);  // the 503 did not cost a new connection
}

TEST_F(CurlHttpClientTest, UpstreamClientGivesUpOnRefusedConnection) {
  FakeClock clock(FromUnixSeconds(1'767'225'600));
  FakeSleeper sleeper(&clock);
  UpstreamConfig c;
  c.name = "refused";
  c.base_url = "http://127.0.0.1:" + std::to_string(LoopbackHttpServer::UnusedPort());
  c.retry.max_attempts = 3;
  c.proxy = "";
  auto client = UpstreamClient::Create(c, nullptr, clock, sleeper);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Send({.path_and_query = "/"});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(sleeper.sleeps().size(), 2u);
  EXPECT_EQ((*client)->Stats().final_transport_error, 1u);
}

}  // namespace
}  // namespace thim::upstream
