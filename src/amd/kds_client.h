// The AMD Key Distribution Service upstream: a KdsSource answers one KDS path
// with its body. KdsClient does it over UpstreamClient (retries, Retry-After,
// token bucket, concurrency cap); tests plug in their own source.
// KDS throttles hard (about one VCEK per 10 s per client, 429), so
// DefaultKdsConfig() sets a token bucket of 0.1/s with a burst of 1.
// Thread-safety: Get() may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "upstream/upstream_client.h"

namespace thim::amd {

class KdsSource {
 public:
  virtual ~KdsSource() = default;
  // The body of a 200 answer. NotFound for 404; ResourceExhausted when
  // throttled; Unavailable when KDS is down; InvalidArgument for other 4xx.
  virtual StatusOr<std::string> Get(const std::string& path_and_query) = 0;
};

// Never contacts KDS (offline sites, bundle inspection): every path is
// Unavailable, saying `why`.
class OfflineKdsSource final : public KdsSource {
 public:
  explicit OfflineKdsSource(std::string why) : why_(std::move(why)) {}
  StatusOr<std::string> Get(const std::string& path_and_query) override {
    return UnavailableError(why_ + ": " + path_and_query);
  }

 private:
  std::string why_;
};

upstream::UpstreamConfig DefaultKdsConfig(const std::string& base_url = "https://kdsintf.amd.com");

class KdsClient final : public KdsSource {
 public:
  explicit KdsClient(std::unique_ptr<upstream::UpstreamClient> client) : client_(std::move(client)) {}
  StatusOr<std::string> Get(const std::string& path_and_query) override;
  upstream::UpstreamStats Stats() const { return client_->Stats(); }

 private:
  std::unique_ptr<upstream::UpstreamClient> client_;
};

}  // namespace thim::amd
