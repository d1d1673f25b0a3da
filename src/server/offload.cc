#include "server/offload.h"

#include <string>

namespace thim::server {

void Offload(BlockingPool& pool, Reply reply, std::function<void(Reply)> work) {
  Status queued = pool.Submit([reply, work = std::move(work)] { work(reply); });
  if (queued.ok()) return;
  HttpResponse r = HttpResponse::Error(queued);
  r.headers.push_back({"Retry-After", std::to_string(queued.retry_after_seconds().value_or(5))});
  reply(std::move(r));
}

}  // namespace thim::server
