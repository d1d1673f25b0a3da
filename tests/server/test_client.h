// A blocking HTTP/1.1 client for server tests: sends raw bytes or requests
// over one keep-alive connection to 127.0.0.1 and parses responses.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <map>
#include <string>

namespace thim::testing {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool closed = false;  // the server closed instead of answering
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  // A server may answer and close before reading everything (431, 413): a
  // failed write is not an error here, reading the answer is what counts.
  void SendRaw(const std::string& bytes) {
    boost::beast::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
  }

  ClientResponse Read(bool head = false) {
    namespace http = boost::beast::http;
    ClientResponse out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    boost::beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    if (ec) {
      out.closed = true;
      return out;
    }
    auto& msg = parser.get();
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace(name, std::string(f.value()));
    }
    out.body = msg.body();
    return out;
  }

  ClientResponse Get(const std::string& target, const std::string& extra_headers = "", const std::string& method = "GET") {
    SendRaw(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n");
    return Read(method == "HEAD");
  }

  // True when the server closed the connection (read returns EOF).
  bool WaitClosed(std::chrono::milliseconds limit) {
    socket_.non_blocking(false);
    struct timeval tv {static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    boost::beast::error_code ec;
    for (;;) {
      size_t n = socket_.read_some(boost::asio::buffer(&c, 1), ec);
      if (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) return true;
      if (ec) return false;  // timed out
      (void)n;
    }
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace thim::testing
