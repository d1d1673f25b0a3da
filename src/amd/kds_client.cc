#include "amd/kds_client.h"

namespace thim::amd {

upstream::UpstreamConfig DefaultKdsConfig(const std::string& base_url) {
  upstream::UpstreamConfig c;
  c.name = "amd-kds";
  c.base_url = base_url;
  // One request per 10 s is what KDS tolerates per client; a single flight
  // per (chip, TCB) in the cache keeps a burst of VM starts within it.
  c.rate_per_second = 0.1;
  c.burst = 1;
  c.max_concurrency = 2;
  c.max_queue_wait = std::chrono::minutes(10);
  return c;
}

StatusOr<std::string> KdsClient::Get(const std::string& path_and_query) {
  upstream::UpstreamRequest req{.path_and_query = path_and_query};
  ASSIGN_OR_RETURN(upstream::UpstreamResponse resp, client_->Send(req));
  if (resp.status == 200) return std::move(resp.body);
  if (resp.status == 404) return NotFoundError("KDS has no " + path_and_query);
  if (resp.status == 429) return ResourceExhaustedError("KDS throttled " + path_and_query);
  if (resp.status >= 500) return UnavailableError("KDS answered " + std::to_string(resp.status) + " for " + path_and_query);
  return InvalidArgumentError("KDS answered " + std::to_string(resp.status) + " for " + path_and_query);
}

}  // namespace thim::amd
