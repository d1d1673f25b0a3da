#include <gtest/gtest.h>

#include "upstream/fake_http_client.h"
#include "upstream/http_client.h"

namespace thim::upstream {
namespace {

TEST(HttpHeadersTest, CaseInsensitiveFirstOccurrenceWins) {
  HttpHeaders h;
  h.Add("Request-ID", "abc");
  h.Add("X-Dup", "first");
  h.Add("x-dup", "second");
  EXPECT_EQ(h.Get("request-id"), "abc");
  EXPECT_EQ(h.Get("REQUEST-ID"), "abc");
  EXPECT_EQ(h.Get("X-DUP"), "first");
  EXPECT_FALSE(h.Get("Request-I").has_value());
  EXPECT_EQ(h.GetOr("missing", "dflt"), "dflt");
  EXPECT_TRUE(h.Has("x-Dup"));
  EXPECT_EQ(h.size(), 3u);
}

TEST(FakeHttpClientTest, ScriptThenHandlerThenInternal) {
  FakeHttpClient fake;
  fake.EnqueueResponse(200, "one");
  fake.EnqueueError(UnavailableError("boom"));
  HttpRequest req{.url = "http://x/"};
  auto r1 = fake.Send(req);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->body, "one");
  EXPECT_EQ(fake.Send(req).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(fake.Send(req).status().code(), StatusCode::kInternal);  // under-scripted
  fake.SetHandler([](const HttpRequest&) -> StatusOr<HttpResponse> { return HttpResponse{.status = 204}; });
  EXPECT_EQ(fake.Send(req)->status, 204);
  EXPECT_EQ(fake.request_count(), 4u);
}

}  // namespace
}  // namespace thim::upstream
