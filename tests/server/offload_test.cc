#include "server/offload.h"

#include <gtest/gtest.h>

#include <future>

namespace thim::server {
namespace {

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return "";
}

TEST(Offload, WorkAnswersFromThePool) {
  BlockingPool pool(1, 4);
  std::promise<HttpResponse> answer;
  Offload(pool, [&answer](HttpResponse r) { answer.set_value(std::move(r)); },
          [](Reply reply) { reply(HttpResponse::Text(200, "done")); });
  HttpResponse r = answer.get_future().get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
}

TEST(Offload, StoppedPoolAnswers503WithRetryAfterAtOnce) {
  BlockingPool pool(1, 4);
  pool.Stop();
  std::optional<HttpResponse> answer;
  bool worked = false;
  Offload(pool, [&answer](HttpResponse r) { answer = std::move(r); }, [&worked](Reply) { worked = true; });
  ASSERT_TRUE(answer.has_value());  // answered synchronously, on the caller's thread
  EXPECT_FALSE(worked);
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("shutting down"), std::string::npos) << answer->body;
  EXPECT_EQ(HeaderOf(*answer, "Retry-After"), "5");
}

}  // namespace
}  // namespace thim::server
