#include "upstream/upstream_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "upstream/fake_http_client.h"

namespace thim::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

class UpstreamClientTest : public ::testing::Test {
 protected:
  UpstreamConfig Config() {
    UpstreamConfig c;
    c.name = "test";
    c.base_url = "https://upstream.invalid/";
    c.retry = RetryPolicy{.max_attempts = 4, .base_delay = milliseconds(100), .max_delay = milliseconds(1000),
                          .max_retry_after = seconds(60)};
    c.rate_per_second = 0;  // unlimited unless a test says otherwise
    c.request_id_header = "Request-ID";
    c.jitter_seed = 42;
    return c;
  }
  std::unique_ptr<UpstreamClient> Make(UpstreamConfig c) {
    auto r = UpstreamClient::Create(std::move(c), http_, clock_, sleeper_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }

  FakeClock clock_{FromUnixSeconds(1'767'225'600)};  // 2026-01-01T00:00:00Z
  FakeSleeper sleeper_{&clock_};
  std::shared_ptr<FakeHttpClient> http_ = std::make_shared<FakeHttpClient>();
};

TEST_F(UpstreamClientTest, SuccessOnFirstAttempt) {
  auto client = Make(Config());
  http_->EnqueueResponse(200, std::string("a\0b", 3), {{"request-id", "r1"}});
  CallInfo info;
  auto r = client->Send({.path_and_query = "/x?y=1"}, &info);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::string("a\0b", 3));
  EXPECT_EQ(r->request_id, "r1");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(info.attempts, 1);
  ASSERT_EQ(http_->requests().size(), 1u);
  EXPECT_EQ(http_->requests()[0].url, "https://upstream.invalid/x?y=1");  // no double slash
  EXPECT_TRUE(sleeper_.sleeps().empty());
  EXPECT_EQ(client->Stats().final_2xx, 1u);
}

TEST_F(UpstreamClientTest, NonRetryableAnswersAreReturnedAsIs) {
  auto client = Make(Config());
  for (int status : {400, 401, 404, 410, 501}) {
    http_->EnqueueResponse(status, "nope", {{"Error-Code", "InvalidRequestSyntax"}});
    auto r = client->Send({.path_and_query = "/p"});
    ASSERT_TRUE(r.ok()) << status;
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(r->attempts, 1);
  }
  EXPECT_TRUE(sleeper_.sleeps().empty());
  auto s = client->Stats();
  EXPECT_EQ(s.final_4xx, 4u);
  EXPECT_EQ(s.final_5xx, 1u);
  EXPECT_EQ(s.retries, 0u);
}

TEST_F(UpstreamClientTest, RetriesServerErrorsWithJitteredExponentialBackoff) {
  auto client = Make(Config());
  http_->EnqueueResponse(500);
  http_->EnqueueResponse(502);
  http_->EnqueueResponse(504);
  http_->EnqueueResponse(200, "ok");
  auto r = client->Send({.path_and_query = "/p"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 4);
  const auto sleeps = sleeper_.sleeps();
  ASSERT_EQ(sleeps.size(), 3u);
  EXPECT_LE(sleeps[0], milliseconds(100));
  EXPECT_LE(sleeps[1], milliseconds(200));
  EXPECT_LE(sleeps[2], milliseconds(400));
  auto s = client->Stats();
  EXPECT_EQ(s.attempts, 4u);
  EXPECT_EQ(s.retries, 3u);
  EXPECT_EQ(s.final_2xx, 1u);
}

TEST_F(UpstreamClientTest, JitterIsSpreadAndBoundedOverManyCalls) {
  auto c = Config();
  c.retry.max_attempts = 2;
  auto client = Make(c);
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> { return UnavailableError("down"); });
  for (int i = 0; i < 200; ++i) EXPECT_EQ(client->Send({.path_and_query = "/p"}).status().code(),
                                          StatusCode::kUnavailable);
  const auto sleeps = sleeper_.sleeps();
  ASSERT_EQ(sleeps.size(), 200u);
  nanoseconds min = sleeps[0], max = sleeps[0];
  for (auto d : sleeps) {
    EXPECT_GE(d, nanoseconds(0));
    EXPECT_LE(d, milliseconds(100));
    min = std::min(min, d);
    max = std::max(max, d);
  }
  // Full jitter uses the whole range, not a fixed delay.
  EXPECT_LT(min, milliseconds(10));
  EXPECT_GT(max, milliseconds(90));
}

TEST_F(UpstreamClientTest, TransportErrorsExhaustToUnavailableWithCurlMessage) {
  auto client = Make(Config());
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> {
    return UnavailableError("curl: Could not resolve host: upstream.invalid (CURLcode 6)");
  });
  CallInfo info;
  auto r = client->Send({.path_and_query = "/p"}, &info);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("Could not resolve host"), std::string::npos);
  EXPECT_NE(r.status().message().find("after 4 attempt"), std::string::npos);
  EXPECT_EQ(info.attempts, 4);
  EXPECT_EQ(http_->request_count(), 4u);
  EXPECT_EQ(sleeper_.sleeps().size(), 3u);
  EXPECT_EQ(client->Stats().final_transport_error, 1u);
}

TEST_F(UpstreamClientTest, PersistentServerErrorIsUnavailableWithRequestId) {
  auto client = Make(Config());
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> {
    HttpResponse r{.status = 503};
    r.headers.Add("Request-ID", "deadbeef");
    return r;
  });
  auto r = client->Send({.path_and_query = "/p"});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 503 after 4 attempt"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("deadbeef"), std::string::npos);
  EXPECT_EQ(client->Stats().final_5xx, 1u);
}

TEST_F(UpstreamClientTest, RetryAfterDeltaSecondsIsHonoured) {
  auto client = Make(Config());
  http_->EnqueueResponse(429, "", {{"Retry-After", "7"}});
  http_->EnqueueResponse(503, "", {{"Retry-After", "3"}});
  http_->EnqueueResponse(200, "ok");
  auto r = client->Send({.path_and_query = "/p"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(sleeper_.sleeps(), (std::vector<nanoseconds>{seconds(7), seconds(3)}));
  auto s = client->Stats();
  EXPECT_EQ(s.upstream_429, 1u);
  EXPECT_EQ(s.retry_after_waits, 2u);
}

TEST_F(UpstreamClientTest, RetryAfterHttpDateIsHonouredAgainstTheClock) {
  auto client = Make(Config());
  // clock is 2026-01-01T00:00:00Z; the date is 42 s later.
  http_->EnqueueResponse(429, "", {{"Retry-After", "Thu, 01 Jan 2026 00:00:42 GMT"}});
  http_->EnqueueResponse(200, "ok");
  auto r = client->Send({.path_and_query = "/p"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(sleeper_.sleeps(), (std::vector<nanoseconds>{seconds(42)}));
}

TEST_F(UpstreamClientTest, RetryAfterIgnoredOn500AndMalformedFallsBackToBackoff) {
  auto client = Make(Config());
  http_->EnqueueResponse(500, "", {{"Retry-After", "30"}});
  http_->EnqueueResponse(429, "", {{"Retry-After", "tomorrow-ish"}});
  http_->EnqueueResponse(200, "ok");
  ASSERT_TRUE(client->Send({.path_and_query = "/p"}).ok());
  const auto sleeps = sleeper_.sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_LE(sleeps[0], milliseconds(100));
  EXPECT_LE(sleeps[1], milliseconds(200));
}

TEST_F(UpstreamClientTest, RetryAfterBeyondCapFailsFastWithResourceExhausted) {
  auto client = Make(Config());
  http_->EnqueueResponse(429, "", {{"Retry-After", "3600"}, {"Request-ID", "abc123"}});
  CallInfo info;
  auto r = client->Send({.path_and_query = "/p"}, &info);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("retry after 3600 s"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("abc123"), std::string::npos);
  EXPECT_EQ(info.retry_after, seconds(3600));
  EXPECT_EQ(info.last_http_status, 429);
  EXPECT_EQ(info.request_id, "abc123");
  EXPECT_EQ(http_->request_count(), 1u);
  EXPECT_TRUE(sleeper_.sleeps().empty());  // did not sleep an hour
  EXPECT_EQ(client->Stats().final_rate_limited, 1u);
}

TEST_F(UpstreamClientTest, ServiceUnavailableBeyondCapIsUnavailableWithRetryAfter) {
  auto client = Make(Config());
  http_->EnqueueResponse(503, "", {{"Retry-After", "600"}});
  CallInfo info;
  auto r = client->Send({.path_and_query = "/p"}, &info);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("retry after 600 s"), std::string::npos);
  EXPECT_EQ(info.retry_after, seconds(600));
  EXPECT_TRUE(sleeper_.sleeps().empty());
}

TEST_F(UpstreamClientTest, Persistent429IsResourceExhausted) {
  auto client = Make(Config());
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> {
    HttpResponse r{.status = 429};
    r.headers.Add("Retry-After", "2");
    return r;
  });
  CallInfo info;
  auto r = client->Send({.path_and_query = "/p"}, &info);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("429 after 4 attempt"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("retry after 2 s"), std::string::npos);
  EXPECT_EQ(info.retry_after, seconds(2));
  EXPECT_EQ(sleeper_.total(), seconds(6));
  EXPECT_EQ(client->Stats().upstream_429, 4u);
}

TEST_F(UpstreamClientTest, NonIdempotentRequestsAreNotRetriedAfterTransportFailure) {
  auto client = Make(Config());
  http_->EnqueueError(UnavailableError("connection reset"));
  auto r = client->Send({.method = HttpMethod::kPost, .path_and_query = "/register", .idempotent = false});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(http_->request_count(), 1u);
  http_->EnqueueResponse(500);
  EXPECT_EQ(client->Send({.method = HttpMethod::kPost, .path_and_query = "/register", .idempotent = false})->status,
            500);
  http_->EnqueueResponse(503, "", {{"Retry-After", "1"}});  // "not processed": safe to retry
  http_->EnqueueResponse(201);
  EXPECT_EQ(client->Send({.method = HttpMethod::kPost, .path_and_query = "/register", .idempotent = false})->status,
            201);
}

TEST_F(UpstreamClientTest, OversizedResponseIsNotRetried) {
  auto client = Make(Config());
  http_->EnqueueError(ResourceExhaustedError("response body exceeds 16 bytes"));
  auto r = client->Send({.path_and_query = "/p"});
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(http_->request_count(), 1u);
  EXPECT_EQ(client->Stats().final_local_rejected, 1u);
}

TEST_F(UpstreamClientTest, BadPathsAreRejectedBeforeAnyRequest) {
  auto client = Make(Config());
  for (const char* p : {"", "x", "@evil.example/", "/a b", "/a\r\nX: y", "/a#frag"}) {
    EXPECT_EQ(client->Send({.path_and_query = p}).status().code(), StatusCode::kInvalidArgument) << p;
  }
  EXPECT_EQ(http_->request_count(), 0u);
}

TEST_F(UpstreamClientTest, InvalidConfigsAreRejected) {
  auto c = Config();
  c.base_url = "ftp://x";
  EXPECT_EQ(UpstreamClient::Create(c, http_, clock_, sleeper_).status().code(), StatusCode::kInvalidArgument);
  c = Config();
  c.base_url = "https://x/?q=1";
  EXPECT_FALSE(UpstreamClient::Create(c, http_, clock_, sleeper_).ok());
  c = Config();
  c.api_key = "abc\r\nX-Injected: 1";
  EXPECT_FALSE(UpstreamClient::Create(c, http_, clock_, sleeper_).ok());
  c = Config();
  c.retry.max_attempts = 0;
  EXPECT_FALSE(UpstreamClient::Create(c, http_, clock_, sleeper_).ok());
}

TEST_F(UpstreamClientTest, TokenBucketPacesRequestsAndRetries) {
  auto c = Config();
  c.rate_per_second = 2;
  c.burst = 2;
  auto client = Make(c);
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> { return HttpResponse{.status = 200}; });
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(client->Send({.path_and_query = "/p"}).ok());
  // Two from the burst, then one every 500 ms.
  EXPECT_EQ(sleeper_.sleeps(), (std::vector<nanoseconds>(4, milliseconds(500))));
  auto s = client->Stats();
  EXPECT_EQ(s.rate_limit_waits, 4u);
  EXPECT_EQ(s.rate_limit_wait_ms, 2000u);
}

TEST_F(UpstreamClientTest, RateLimitWaitBeyondBudgetIsResourceExhausted) {
  auto c = Config();
  c.rate_per_second = 0.1;  // one per 10 s
  c.burst = 1;
  c.max_queue_wait = milliseconds(1000);
  auto client = Make(c);
  http_->SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> { return HttpResponse{.status = 200}; });
  ASSERT_TRUE(client->Send({.path_and_query = "/p"}).ok());
  auto r = client->Send({.path_and_query = "/p"});
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("local rate limit"), std::string::npos);
  EXPECT_EQ(http_->request_count(), 1u);
  EXPECT_EQ(client->Stats().final_local_rejected, 1u);
}

TEST_F(UpstreamClientTest, ConcurrencyCapIsNeverExceeded) {
  constexpr int kCap = 3;
  constexpr int kThreads = 12;
  auto c = Config();
  c.max_concurrency = kCap;
  c.max_queue_wait = milliseconds(30'000);
  auto client = Make(c);
  std::atomic<int> in_flight{0}, peak{0};
  http_->SetHandler([&](const HttpRequest&) -> StatusOr<HttpResponse> {
    const int now = ++in_flight;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(milliseconds(20));
    --in_flight;
    return HttpResponse{.status = 200};
  });
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 3; ++j) {
        if (client->Send({.path_and_query = "/p"}).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * 3);
  EXPECT_LE(peak.load(), kCap);
  EXPECT_EQ(peak.load(), kCap);  // and the cap is actually used
  EXPECT_EQ(client->Stats().in_flight, 0);
}

}  // namespace
}  // namespace thim::upstream
