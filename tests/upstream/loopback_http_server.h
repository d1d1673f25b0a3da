// A tiny HTTP/1.1 server for tests of the real libcurl client. It binds
// 127.0.0.1 on an ephemeral port (never any other address), serves each
// connection on its own thread with keep-alive, and counts connections so
// tests can prove connection reuse. Replies come from a handler and can be
// delayed (timeouts), close-delimited (no Content-Length) or oversized.
//
// Thread-safety: the handler runs on connection threads, possibly
// concurrently; counters are atomic. Destruction stops and joins everything.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "upstream/http_client.h"

namespace thim::upstream::testing {

struct LoopbackRequest {
  std::string method;
  std::string target;  // path and query
  HttpHeaders headers;
  std::string body;
  int connection = 0;  // 1-based index of the connection it arrived on
};

struct LoopbackReply {
  int status = 200;
  std::vector<HttpHeaders::Entry> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before the response is written
  bool content_length = true;          // false: body delimited by closing the connection
  bool close = false;                  // close the connection after this reply
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<LoopbackReply(const LoopbackRequest&)>;

  explicit LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) std::abort();
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) std::abort();
    if (::listen(listen_fd_, 64) != 0) std::abort();
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~LoopbackHttpServer() {
    stop_ = true;
    acceptor_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  std::string Url(std::string_view path_and_query = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
  }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

  // A port on which nothing listens (bound then closed): connecting is refused.
  static uint16_t UnusedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

 private:
  // Waits until `fd` is readable or the server stops; false on stop.
  bool WaitReadable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 20);
      if (r > 0) return true;
      if (r < 0) return false;
    }
    return false;
  }

  void AcceptLoop() {
    while (WaitReadable(listen_fd_)) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      const int id = ++connections_;
      std::lock_guard lock(mu_);
      threads_.emplace_back([this, fd, id] {
        Serve(fd, id);
        ::close(fd);
      });
    }
  }

  // Reads more bytes into `buf`; false on EOF, error or stop.
  bool ReadMore(int fd, std::string& buf) {
    if (!WaitReadable(fd)) return false;
    char tmp[16384];
    ssize_t n = ::recv(fd, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }

  static bool SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void Serve(int fd, int id) {
    std::string buf;
    for (;;) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(fd, buf)) return;
      }
      LoopbackRequest req;
      req.connection = id;
      std::string_view head(buf.data(), end);
      size_t line_end = head.find("\r\n");
      std::string_view request_line = head.substr(0, line_end);
      size_t sp1 = request_line.find(' ');
      size_t sp2 = request_line.rfind(' ');
      req.method = std::string(request_line.substr(0, sp1));
      req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
      size_t content_length = 0;
      while (line_end != std::string_view::npos && line_end < head.size()) {
        size_t next = head.find("\r\n", line_end + 2);
        std::string_view line = head.substr(line_end + 2, next == std::string_view::npos ? next : next - line_end - 2);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          req.headers.Add(std::string(line.substr(0, colon)), std::string(value));
          if (EqualsIgnoreCase(line.substr(0, colon), "Content-Length")) {
            content_length = std::stoul(std::string(value));
          }
        }
        line_end = next;
      }
      buf.erase(0, end + 4);
      while (buf.size() < content_length) {
        if (!ReadMore(fd, buf)) return;
      }
      req.body = buf.substr(0, content_length);
      buf.erase(0, content_length);
      ++requests_;

      LoopbackReply reply = handler_(req);
      for (auto waited = std::chrono::milliseconds(0); waited < reply.delay && !stop_;
           waited += std::chrono::milliseconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (stop_) return;
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Status\r\n";
      for (const auto& [n, v] : reply.headers) out += n + ": " + v + "\r\n";
      const bool close = reply.close || !reply.content_length;
      if (reply.content_length) out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      if (close) out += "Connection: close\r\n";
      out += "\r\n";
      out += reply.body;
      if (!SendAll(fd, out) || close) return;
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace thim::upstream::testing
