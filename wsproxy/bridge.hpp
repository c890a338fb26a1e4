#pragma once

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "chatd/net/stream.hpp"
#include "protocol/line_reader.hpp"
#include "wsproxy/browser_link.hpp"

namespace chat::wsproxy {

struct Upstream {
  std::string host;
  std::string port;
  // TLS to chatd's TLS port, verifying its certificate for `host`; null: plain TCP.
  std::shared_ptr<asio::ssl::context> tls;
};

struct BridgeLimits {
  std::size_t max_frame = 16 * 1024;   // larger frames get a JSON error
  std::size_t max_line = 1024 * 1024;  // longest line accepted from chatd
  std::size_t max_browser_backlog =
      1 << 20;  // unsent bytes to the browser before we stop reading chatd
  std::size_t max_upstream_backlog =
      256 * 1024;  // unsent bytes to chatd before we stop reading the browser
  // A chatd that does not accept the connection, or stops answering the proxy's PING, is
  // reported to the browser (upstream-unavailable, close 1011) instead of leaving it waiting.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds heartbeat_interval{15000};
};

// Pairs one browser WebSocket with its own TCP connection to chatd in rich mode and translates
// between JSON frames and lines (protocol/json_mapping). It holds no chat state. Back-pressure
// runs both ways: a slow browser stops reads from chatd (whose own send queue limit then
// applies), a slow chatd stops reads from the browser.
class Bridge : public std::enable_shared_from_this<Bridge> {
 public:
  Bridge(asio::io_context& io, Upstream upstream, std::unique_ptr<BrowserLink> browser,
         BridgeLimits limits);

  // `client_address`: the browser's, which chatd (trusting this proxy) then counts and logs.
  void start(const std::string& client_address);
  void on_frame(std::string_view frame);
  // Answers a frame with a JSON error instead of forwarding it.
  void refuse_frame(const std::string& code, const std::string& message);
  void on_browser_closed();

 private:
  void connect(const asio::ip::tcp::resolver::results_type& endpoints);
  // Once connected (and, over TLS, the handshake done): the queued lines go out.
  void on_connected();
  void read_upstream();
  void handle_upstream_input(std::size_t length);
  void send_upstream(std::string line);
  void write_upstream();
  void wait_for_browser_to_drain();
  // Every heartbeat_interval: fails the bridge if chatd has not answered the last PING (or the
  // connection), then sends the next.
  void beat();
  void fail(const std::string& message);
  void close_upstream();

  asio::ip::tcp::resolver resolver_;
  Stream stream_;
  asio::steady_timer drain_timer_;
  asio::steady_timer heartbeat_timer_;
  Upstream upstream_;
  std::unique_ptr<BrowserLink> browser_;
  BridgeLimits limits_;
  protocol::LineReader reader_;
  std::array<char, 16 * 1024> read_buffer_;
  std::deque<std::string> outgoing_;
  std::size_t outgoing_bytes_ = 0;
  bool connected_ = false;
  bool writing_ = false;
  bool browser_paused_ = false;
  bool draining_ = false;       // not reading chatd until the browser catches up
  bool awaiting_pong_ = false;  // the heartbeat PING has not been answered yet
  bool pinged_before_ = false;  // it was already out at the previous beat
  bool heard_ = false;          // something came from chatd since the last beat
  bool drained_ = false;        // the browser held chatd's answers back since the last beat
  bool closed_ = false;
};

}  // namespace chat::wsproxy
