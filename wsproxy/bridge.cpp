#include "wsproxy/bridge.hpp"

#include <asio/connect.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <utility>
#include <variant>

#include "protocol/json_mapping.hpp"

namespace chat::wsproxy {
namespace {

constexpr std::uint16_t close_policy_violation = 1008;
constexpr std::uint16_t close_internal_error = 1011;
constexpr auto drain_poll_interval = std::chrono::milliseconds(20);
// The token of the proxy's own PING; its answer is not the browser's.
constexpr std::string_view heartbeat_ping = "PING wsproxy-heartbeat\n";
constexpr std::string_view heartbeat_pong = "OK PING wsproxy-heartbeat";

}  // namespace

Bridge::Bridge(asio::io_context& io, Upstream upstream, std::unique_ptr<BrowserLink> browser,
               BridgeLimits limits)
    : resolver_(io),
      stream_(upstream.tls ? Stream(asio::ip::tcp::socket(io), *upstream.tls)
                           : Stream(asio::ip::tcp::socket(io))),
      drain_timer_(io),
      heartbeat_timer_(io),
      upstream_(std::move(upstream)),
      browser_(std::move(browser)),
      limits_(limits),
      reader_(limits.max_line) {}

void Bridge::start(const std::string& client_address) {
  if (!client_address.empty()) send_upstream("PROXY " + client_address + "\n");
  send_upstream("RICH MULTILINE\n");
  heartbeat_timer_.expires_after(limits_.connect_timeout);
  heartbeat_timer_.async_wait([self = shared_from_this()](asio::error_code error) {
    if (error || self->closed_) return;
    if (!self->connected_) return self->fail("Chat server did not answer.");
  });
  resolver_.async_resolve(
      upstream_.host, upstream_.port,
      [self = shared_from_this()](asio::error_code error,
                                  asio::ip::tcp::resolver::results_type endpoints) {
        if (self->closed_) return;
        if (error) {
          self->fail("Chat server is unreachable.");
          return;
        }
        self->connect(endpoints);
      });
}

void Bridge::connect(const asio::ip::tcp::resolver::results_type& endpoints) {
  asio::async_connect(
      stream_.socket(), endpoints,
      [self = shared_from_this()](asio::error_code error, const auto&) {
        if (self->closed_) return;
        if (error) return self->fail("Chat server is unreachable.");
        asio::error_code ignored;
        self->stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
        self->stream_.expect_server_name(self->upstream_.host);
        self->stream_.async_handshake(
            asio::ssl::stream_base::client, [self](asio::error_code error) {
              if (self->closed_) return;
              if (error) {
                return self->fail("TLS with the chat server failed: " + error.message() + ".");
              }
              self->on_connected();
            });
      });
}

void Bridge::on_connected() {
  connected_ = true;
  write_upstream();
  read_upstream();
  beat();
}

void Bridge::on_frame(std::string_view frame) {
  if (closed_) return;
  if (frame.size() > limits_.max_frame) {
    refuse_frame("frame-too-large",
                 "Frames may be at most " + std::to_string(limits_.max_frame) + " bytes.");
    return;
  }
  auto line = protocol::frame_to_line(frame);
  if (const auto* error = std::get_if<protocol::FrameError>(&line)) {
    refuse_frame(error->code, error->message);
    return;
  }
  send_upstream(std::move(std::get<std::string>(line)) + "\n");
}

void Bridge::refuse_frame(const std::string& code, const std::string& message) {
  if (closed_) return;
  // A browser that sends bad frames without reading the errors would grow our buffer.
  if (browser_->buffered_amount() > limits_.max_browser_backlog) {
    closed_ = true;
    browser_->close(close_policy_violation, "Too many unread errors.");
    close_upstream();
    return;
  }
  browser_->send(protocol::error_frame(code, message));
}

void Bridge::on_browser_closed() {
  closed_ = true;
  close_upstream();
}

void Bridge::beat() {
  heartbeat_timer_.expires_after(limits_.heartbeat_interval);
  heartbeat_timer_.async_wait([self = shared_from_this()](asio::error_code error) {
    if (error || self->closed_) return;
    // Anything read from chatd shows it alive; while the browser is behind, chatd's answers
    // wait unread, which is not chatd's fault. Only a whole interval with nothing read, after
    // one in which the PING went out, fails: the PING may wait behind the browser's commands.
    const bool heard = std::exchange(self->heard_, false);
    const bool excused = std::exchange(self->drained_, self->draining_);
    if (self->awaiting_pong_ && !heard && !excused && self->pinged_before_) {
      return self->fail("Chat server stopped answering.");
    }
    self->pinged_before_ = self->awaiting_pong_;
    if (!self->awaiting_pong_) {
      self->awaiting_pong_ = true;
      self->send_upstream(std::string(heartbeat_ping));
    }
    self->beat();
  });
}

void Bridge::read_upstream() {
  draining_ = false;
  stream_.async_read_some(asio::buffer(read_buffer_),
                          [self = shared_from_this()](asio::error_code error, std::size_t length) {
                            if (self->closed_) return;
                            if (error) {
                              self->fail("Chat server closed the connection.");
                              return;
                            }
                            self->handle_upstream_input(length);
                          });
}

void Bridge::handle_upstream_input(std::size_t length) {
  heard_ = true;
  reader_.append(std::string_view(read_buffer_.data(), length));
  while (auto event = reader_.next()) {
    if (event->kind != protocol::LineEvent::Kind::line) continue;
    if (event->text == heartbeat_pong) {
      awaiting_pong_ = false;
      continue;
    }
    if (auto frame = protocol::line_to_frame(event->text)) browser_->send(*frame);
  }
  if (browser_->buffered_amount() > limits_.max_browser_backlog) {
    wait_for_browser_to_drain();
  } else {
    read_upstream();
  }
}

// websocketpp tells nobody when its send buffer drains, so look again shortly.
void Bridge::wait_for_browser_to_drain() {
  draining_ = true;
  drained_ = true;
  drain_timer_.expires_after(drain_poll_interval);
  drain_timer_.async_wait([self = shared_from_this()](asio::error_code error) {
    if (error || self->closed_) return;
    if (self->browser_->buffered_amount() > self->limits_.max_browser_backlog) {
      self->wait_for_browser_to_drain();
    } else {
      self->read_upstream();
    }
  });
}

void Bridge::send_upstream(std::string line) {
  outgoing_bytes_ += line.size();
  outgoing_.push_back(std::move(line));
  if (!browser_paused_ && outgoing_bytes_ > limits_.max_upstream_backlog) {
    browser_paused_ = true;
    browser_->pause_reading();
  }
  if (connected_ && !writing_) write_upstream();
}

void Bridge::write_upstream() {
  if (outgoing_.empty()) {
    if (browser_paused_) {
      browser_paused_ = false;
      browser_->resume_reading();
    }
    return;
  }
  // One line per write: gathering them lets chatd read a browser's burst faster than the
  // browser takes the answers, and then chatd drops the bridge for its full send queue.
  writing_ = true;
  stream_.async_write(asio::buffer(outgoing_.front()), asio::transfer_all(),
                      [self = shared_from_this()](asio::error_code error, std::size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (error) return self->fail("Chat server closed the connection.");
                        self->outgoing_bytes_ -= self->outgoing_.front().size();
                        self->outgoing_.pop_front();
                        self->write_upstream();
                      });
}

void Bridge::fail(const std::string& message) {
  if (closed_) return;
  closed_ = true;
  browser_->send(protocol::error_frame("upstream-unavailable", message));
  browser_->close(close_internal_error, message);
  close_upstream();
}

void Bridge::close_upstream() {
  resolver_.cancel();
  drain_timer_.cancel();
  heartbeat_timer_.cancel();
  stream_.close();
}

}  // namespace chat::wsproxy
