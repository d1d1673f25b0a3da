// Answers held back by an injected latency. One thread sends each reply at
// its time, however many are pending (a thread per delayed answer would be
// left detached, outliving the simulator). The destructor sends what is
// still pending at once and joins the thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "server/router.h"

namespace thim::sim {

class DelayedReplies {
 public:
  DelayedReplies();
  ~DelayedReplies();
  DelayedReplies(const DelayedReplies&) = delete;
  DelayedReplies& operator=(const DelayedReplies&) = delete;

  void Send(server::Reply reply, server::HttpResponse response, std::chrono::milliseconds after);

 private:
  void Loop();

  struct Pending {
    server::Reply reply;
    server::HttpResponse response;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, Pending> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace thim::sim
