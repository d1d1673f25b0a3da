// Waiting for background work (refreshers, workers) in tests: polls `done`
// until it holds or `timeout` passes. The timeout is generous on purpose: it
// bounds a hang, it is not a timing assertion, and CI machines are loaded.
#pragma once

#include <chrono>
#include <thread>

namespace thim::testing {

template <typename Predicate>
bool WaitUntil(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace thim::testing
