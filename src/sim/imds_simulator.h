// thim-sim's Azure IMDS instance metadata, just what the QPL's TDX region
// discovery reads: GET /metadata/instance?api-version=… with header
// "Metadata: true" answers {"compute":{"location":"<location>",…}} (400
// without the header or the api-version, as IMDS). Control routes:
//   POST /_sim/imds/location?value=TEXT   the location served next (any text,
//                                          so tests can serve invalid ones)
//   POST /_sim/imds/outage?on=1|0          answer 500 to /metadata/instance
//   GET  /_sim/imds/stats                  {"requests": N}
// Test tooling. Thread-safety: handlers and methods may run concurrently.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "server/router.h"

namespace thim::sim {

class ImdsSimulator {
 public:
  explicit ImdsSimulator(std::string location = "westeurope") : location_(std::move(location)) {}
  void AddRoutes(server::Router& router);
  void SetLocation(std::string location);
  void SetOutage(bool on);
  uint64_t Requests() const;

 private:
  mutable std::mutex mu_;
  std::string location_;
  bool outage_ = false;
  uint64_t requests_ = 0;
};

}  // namespace thim::sim
