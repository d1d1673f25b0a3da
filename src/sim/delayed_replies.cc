#include "sim/delayed_replies.h"

namespace thim::sim {

DelayedReplies::DelayedReplies() : thread_([this] { Loop(); }) {}

DelayedReplies::~DelayedReplies() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void DelayedReplies::Send(server::Reply reply, server::HttpResponse response, std::chrono::milliseconds after) {
  {
    std::lock_guard lock(mu_);
    pending_.emplace(std::chrono::steady_clock::now() + after, Pending{std::move(reply), std::move(response)});
  }
  cv_.notify_all();
}

void DelayedReplies::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_ && pending_.empty()) return;
    if (pending_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = pending_.begin();
    if (!stopping_ && first->first > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    Pending due = std::move(first->second);
    pending_.erase(first);
    lock.unlock();  // a reply writes to a socket: never under the lock
    due.reply(std::move(due.response));
    lock.lock();
  }
}

}  // namespace thim::sim
