#include "server/offload.h"

#include "server/pcs_api.h"

namespace thim::server {

void Offload(BlockingPool& pool, Reply reply, std::function<void(Reply)> work) {
  Status queued = pool.Submit([reply, work = std::move(work)] { work(reply); });
  if (queued.ok()) return;
  reply(RespondWithError(queued));
}

}  // namespace thim::server
