// Handlers whose work blocks (upstream fetches) hand it to a BlockingPool so
// that the I/O thread goes back to serving. A full or stopping pool answers
// 503 with Retry-After at once (RespondWithError, as every lookup error).
#pragma once
#include <functional>

#include "core/blocking_pool.h"
#include "server/router.h"

namespace thim::server {

// Runs `work(reply)` on `pool`; `work` must answer through the reply it gets.
void Offload(BlockingPool& pool, Reply reply, std::function<void(Reply)> work);

}  // namespace thim::server
