#pragma once

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "cli/backoff.hpp"
#include "protocol/line_reader.hpp"

namespace chat::cli {

// The TCP connection to chatd, kept up: when it fails, or an attempt to make it does, it tries
// again after a growing delay until stopped; the delay starts small again only once a connection
// has stayed up a while, so a server that accepts and drops at once is not hammered. It moves
// lines and knows nothing of their meaning.
class Connection {
 public:
  struct Handlers {
    std::function<void()> connected;
    std::function<void(std::string_view line)> line;
    // The connection broke (was_connected) or could not be made; the next try is after retry_in.
    // failures counts the breaks and failed tries since a connection last stayed up.
    std::function<void(const std::string& reason, bool was_connected,
                       std::chrono::milliseconds retry_in, int failures)>
        lost;
  };

  Connection(asio::io_context& io, std::string host, std::string port, Handlers handlers);

  void start();
  void send(std::string_view line);  // without the newline; dropped while not connected
  void stop();                       // closes for good
  bool connected() const { return connected_; }
  const std::string& address() const { return address_; }  // "host:port", for notices

 private:
  void connect();
  void read();
  void write();
  void fail(const std::string& reason);
  void wait_until_stable();
  // Handlers of an earlier socket or attempt carry an older number and do nothing.
  bool stale(std::uint64_t attempt) const { return attempt != attempt_ || stopped_; }

  std::string host_;
  std::string port_;
  std::string address_;
  Handlers handlers_;
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer retry_timer_;
  asio::steady_timer stable_timer_;  // runs out once the connection has stayed up a while
  Backoff backoff_;
  protocol::LineReader reader_;
  std::array<char, 64 * 1024> read_buffer_;
  std::deque<std::string> queue_;  // lines with their newline; the front is being written
  bool writing_ = false;
  bool connected_ = false;
  int failures_ = 0;  // since a connection last stayed up
  bool stopped_ = false;
  std::uint64_t attempt_ = 0;
};

}  // namespace chat::cli
