// Assembles thimd from its configuration: store, upstream clients, the
// collateral service, the HTTP routes and server. Run() serves until
// RequestStop() (SIGTERM/SIGINT in main) and then shuts down gracefully.
// Thread-safety: Start/Run from the main thread; RequestStop from anywhere
// (async-signal-safe).
#pragma once

#include <memory>

#include "core/clock.h"
#include "thimd/config.h"

namespace thim::thimd {

class App {
 public:
  // `clock` is the wall clock for validity windows and refresh scheduling
  // (tests pass a FakeClock).
  explicit App(Config config, const Clock& clock = SystemClock::Instance());
  ~App();

  // Opens the store, loads it, starts the service and the listener. After an
  // OK return the port is bound (see port()).
  Status Start();
  uint16_t port() const;
  // Blocks until RequestStop(), then stops the listener (in-flight requests
  // finish), the service and the store.
  void Run();
  static void RequestStop();
  // Graceful shutdown (what Run does after RequestStop). Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets up spdlog from the log section (text or JSON lines on stderr).
void ConfigureLogging(const LogConfig& log);

}  // namespace thim::thimd
