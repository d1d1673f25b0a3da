#include "upstream/fake_http_client.h"

namespace thim::upstream {

void FakeHttpClient::Enqueue(StatusOr<HttpResponse> reply) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(reply));
}

void FakeHttpClient::EnqueueResponse(int status, std::string body, std::vector<HttpHeaders::Entry> headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  for (auto& [n, v] : headers) r.headers.Add(std::move(n), std::move(v));
  Enqueue(std::move(r));
}

void FakeHttpClient::EnqueueError(Status status) { Enqueue(std::move(status)); }

void FakeHttpClient::SetHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

StatusOr<HttpResponse> FakeHttpClient::Send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    if (!script_.empty()) {
      StatusOr<HttpResponse> reply = std::move(script_.front());
      script_.pop_front();
      return reply;
    }
    handler = handler_;
  }
  if (handler) return handler(request);
  return InternalError("FakeHttpClient: no scripted response for " + request.url);
}

std::vector<HttpRequest> FakeHttpClient::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeHttpClient::request_count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

size_t FakeHttpClient::pending() const {
  std::lock_guard lock(mu_);
  return script_.size();
}

}  // namespace thim::upstream
