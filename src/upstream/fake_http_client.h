// FakeHttpClient: a scripted HttpClient for tests of anything that talks to
// an upstream (retry policy, PcsClient, the cache's fetch path).
//
// Replies come from a FIFO script (Enqueue*), and when the script is empty
// from an optional handler; with neither, Send returns Internal so a test
// that under-scripts fails loudly. Every request is recorded.
//
// Thread-safety: all methods may be called concurrently. The handler runs
// outside the internal lock, so it may block (e.g. to test concurrency caps).
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "upstream/http_client.h"

namespace thim::upstream {

class FakeHttpClient final : public HttpClient {
 public:
  using Handler = std::function<StatusOr<HttpResponse>(const HttpRequest&)>;

  // Scripted replies, consumed in order.
  void Enqueue(StatusOr<HttpResponse> reply);
  void EnqueueResponse(int status, std::string body = {}, std::vector<HttpHeaders::Entry> headers = {});
  void EnqueueError(Status status);

  // Fallback used when the script is empty.
  void SetHandler(Handler handler);

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  std::vector<HttpRequest> requests() const;
  size_t request_count() const;
  size_t pending() const;  // scripted replies not yet consumed

 private:
  mutable std::mutex mu_;
  std::deque<StatusOr<HttpResponse>> script_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
};

}  // namespace thim::upstream
