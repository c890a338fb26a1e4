#include "chatd/net/session.hpp"

#include <algorithm>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <utility>

namespace chat {
namespace {

// TLS: lines gathered into one write (one record); enough to amortise the system call.
constexpr std::size_t max_buffers_per_write = 64;
constexpr std::size_t max_bytes_per_write = 64 * 1024;
// What a queued line costs beyond its bytes (the deque slot, the shared buffer's control
// block), so that a flood of tiny lines is held to the limit too.
constexpr std::size_t queued_line_overhead = 64;
constexpr auto linger_limit = std::chrono::seconds(10);
// How often an expired login deadline looks again while a command is still waiting.
constexpr auto command_wait_poll = std::chrono::milliseconds(200);
// Output that has not moved for this long counts as stalled for the shared output budget.
constexpr auto stalled_output = std::chrono::seconds(1);
// Lines handed on before other connections get a turn: one read may hold hundreds.
constexpr unsigned max_lines_per_turn = 64;

}  // namespace

Session::Session(Stream stream, std::string remote_address, const SessionLimits& limits,
                 OutputBudget& budget, SharedIo& shared, bool trusted_proxy,
                 ClosedHandler on_closed)
    : stream_(std::move(stream)),
      remote_address_(std::move(remote_address)),
      limits_(limits),
      budget_(budget),
      on_closed_(std::move(on_closed)),
      timer_(executor()),
      trusted_proxy_(trusted_proxy),
      shared_(shared),
      reader_(limits.max_line_length) {
  budget_.connection_opened();  // and closed in close(), which every session comes to
}

void Session::start(const FrontFactory& make_front) {
  asio::error_code ignored;
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  // Plain reads and writes are system calls made when the socket is ready, never waiting.
  if (!stream_.tls()) stream_.socket().non_blocking(true, ignored);
  front_ = make_front(*this);
  last_input_ = Clock::now();
  idle_check_ = last_input_ + limits_.idle_timeout;
  arm(idle_check_);
  restart_login_deadline();
  if (!stream_.tls()) return read();
  handshaking_ = true;
  stream_.async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](asio::error_code error) {
                            self->handshaking_ = false;
                            if (self->closed_) return;
                            if (error) return self->close();
                            self->read();
                            if (!self->queue_.empty()) {
                              self->writing_ = true;
                              self->write();
                            }
                          });
}

void Session::restart_login_deadline() {
  if (trusted_proxy_ || closed_) return;
  login_deadline_ = Clock::now() + limits_.login_timeout;
  login_check_ = login_deadline_;
  checking_login_ = true;
  arm(login_check_);
}

void Session::arm(Clock::time_point when) {
  if (closed_ || when >= armed_for_) return;
  armed_for_ = when;
  // Cancels the pending wait, if any: its handler sees operation_aborted. One that had already
  // completed runs on_timer() once more, which only looks at the deadlines again.
  timer_.expires_at(when);
  timer_.async_wait([self = shared_from_this()](asio::error_code error) {
    if (error || self->closed_) return;
    self->armed_for_ = Clock::time_point::max();
    self->on_timer();
  });
}

Session::Clock::time_point Session::next_deadline() const {
  auto next = idle_check_;
  if (writing_) next = std::min(next, last_write_ + limits_.send_timeout);
  if (holding_) next = std::min(next, hold_until_);
  if (lingering_) next = std::min(next, linger_until_);
  if (checking_login_) next = std::min(next, login_check_);
  return next;
}

void Session::on_timer() {
  const auto now = Clock::now();
  if (writing_ && now - last_write_ >= limits_.send_timeout) return close();
  if (lingering_ && now >= linger_until_) return close();
  if (holding_ && now >= hold_until_) {
    holding_ = false;
    last_input_ = now;  // the client's answers may have waited in the socket meanwhile
    resume_input();
  }
  if (checking_login_ && now >= login_check_) {
    if (handshaking_) return close();  // the front cannot even say why
    // A LOGIN waiting for its password hash may be the one that logs in: look again after it,
    // for as long as the deadline again at most (commands kept waiting on purpose must not
    // keep a connection that never logs in).
    const bool waiting = pauses_ > (holding_ ? 1u : 0u);
    if (waiting && now < login_deadline_ + limits_.login_timeout) {
      login_check_ = now + command_wait_poll;
    } else {
      checking_login_ = false;
      front_->on_login_deadline();
      if (closed_) return;
    }
  }
  if (now >= idle_check_) {
    if (now - last_input_ < limits_.idle_timeout) {
      idle_check_ = last_input_ + limits_.idle_timeout;
    } else {
      if (handshaking_) return close();  // a TLS client that never finished
      // Told again after each further idle timeout.
      idle_check_ = now + limits_.idle_timeout;
      front_->on_idle();
      if (closed_) return;
    }
  }
  arm(next_deadline());
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  stream_.close();
  budget_.release(std::exchange(queued_bytes_, 0));  // the queue goes with the session
  budget_.connection_closed();
  timer_.cancel();
  front_->on_close();
  on_closed_(*this);
}

void Session::begin_shutdown() { closing_ = true; }

void Session::send(std::shared_ptr<const std::string> line) {
  // An empty line writes nothing (and would never count as written).
  if (closed_ || closing_ || line->empty()) return;
  const auto cost = line->size() + queued_line_overhead;
  // A single line over the limit (a long ROOMS answer) may still go out on an empty queue.
  if (!queue_.empty() &&
      (queued_bytes_ + cost > limits_.max_send_queue || over_budget(queued_bytes_ + cost))) {
    // Called in the middle of the hub's fan-out: close later, not under its feet.
    closing_ = true;
    asio::post(executor(), [self = shared_from_this()] { self->close(); });
    return;
  }
  queued_bytes_ += cost;
  budget_.charge(cost);
  queue_.push_back(std::move(line));
  if (writing_ || handshaking_) return;
  writing_ = true;
  last_write_ = Clock::now();  // a write begun counts as output moving
  shared_.schedule_write(shared_from_this());
}

bool Session::over_budget(std::size_t queued) const {
  // A reader a moment behind while others hold the memory is not the one to drop.
  return budget_.over_share(queued) && writing_ && Clock::now() - last_write_ >= stalled_output;
}

void Session::close_after_flush() {
  closing_ = true;
  if (!writing_) {
    asio::post(executor(), [self = shared_from_this()] { self->close(); });
    return;
  }
  // A client that said goodbye but never reads its last answers must not hold on forever.
  lingering_ = true;
  linger_until_ = Clock::now() + linger_limit;
  arm(linger_until_);
}

void Session::read() {
  reading_ = true;
  if (stream_.tls()) {
    if (!tls_read_buffer_) tls_read_buffer_ = std::make_unique<std::array<char, 16 * 1024>>();
    stream_.async_read_some(
        asio::buffer(*tls_read_buffer_),
        [self = shared_from_this()](asio::error_code error, std::size_t length) {
          self->on_read(error, std::string_view(self->tls_read_buffer_->data(), length));
        });
    return;
  }
  // Waits for bytes without a buffer, then reads them into the shared one.
  stream_.socket().async_wait(
      asio::socket_base::wait_read, [self = shared_from_this()](asio::error_code error) {
        if (error || self->closed_) return self->on_read(error, {});
        const auto scratch = self->shared_.scratch();
        const auto length =
            self->stream_.socket().read_some(asio::buffer(scratch.data(), scratch.size()), error);
        if (error == asio::error::would_block) {
          self->reading_ = false;
          return self->read();
        }
        self->on_read(error, std::string_view(scratch.data(), length));
      });
}

void Session::on_read(const asio::error_code& error, std::string_view bytes) {
  reading_ = false;
  if (closed_) return;
  // A TLS client that closes TCP without close_notify is done talking too.
  if (error == asio::error::eof || error == asio::ssl::error::stream_truncated) {
    // The client is done talking; let it have its answers.
    eof_ = true;
    dispatch_lines();
  } else if (error) {
    close();
  } else {
    last_input_ = Clock::now();
    reader_.append(bytes);
    dispatch_lines();
  }
}

void Session::dispatch_lines() {
  dispatching_ = true;
  for (unsigned handled = 0; pauses_ == 0 && !closing_ && !closed_; ++handled) {
    if (handled == max_lines_per_turn) {
      // The rest of the batch after the other connections' ready handlers: paused meanwhile,
      // so that neither a read nor a resume starts a second loop.
      dispatching_ = false;
      pause_input();
      asio::post(executor(), [self = shared_from_this()] { self->resume_input(); });
      return;
    }
    auto event = reader_.next();
    if (!event) break;
    if (event->kind == protocol::LineEvent::Kind::too_long) {
      front_->on_line_too_long();
    } else if (!(std::exchange(first_line_, false) && trusted_proxy_ && proxied(event->text))) {
      front_->on_line(event->text);
    }
  }
  dispatching_ = false;
  if (pauses_ > 0 || closing_ || closed_ || reading_) return;
  if (eof_) {
    if (!std::exchange(input_ended_, true)) front_->on_input_end();
  } else {
    read();
  }
}

bool Session::proxied(std::string_view line) {
  constexpr std::string_view prefix = "PROXY ";
  if (line.substr(0, prefix.size()) != prefix) return false;
  asio::error_code error;
  const auto address = asio::ip::make_address(std::string(line.substr(prefix.size())), error);
  if (!error) remote_address_ = address.to_string();
  return true;  // a malformed one is dropped too: the proxy's line is never a command
}

void Session::pause_input() { ++pauses_; }

void Session::resume_input() {
  if (pauses_ == 0 || --pauses_ > 0) return;
  // Resumed from inside on_line (an answer that needed no waiting): the loop goes on by itself.
  if (dispatching_ || closed_) return;
  asio::post(executor(), [self = shared_from_this()] {
    if (self->pauses_ == 0 && !self->dispatching_ && !self->closed_) self->dispatch_lines();
  });
}

void Session::hold_input(std::chrono::steady_clock::duration wait) {
  if (!std::exchange(holding_, true)) pause_input();
  hold_until_ = Clock::now() + wait;  // a later hold replaces the earlier one's wait
  arm(hold_until_);
}

void Session::write() {
  if (closed_) return;
  if (stream_.tls()) return write_tls();
  write_plain();
}

void Session::write_plain() {
  auto& socket = stream_.socket();
  const auto scratch = shared_.scratch();
  while (!queue_.empty()) {
    // Whole lines copied after each other (the first one's unsent rest), up to the scratch size.
    std::size_t length = 0;
    std::size_t offset = front_written_;
    for (const auto& line : queue_) {
      const auto part = std::min(line->size() - offset, scratch.size() - length);
      std::copy_n(line->data() + offset, part, scratch.data() + length);
      length += part;
      offset = 0;
      if (length == scratch.size()) break;
    }
    asio::error_code error;
    const auto sent = socket.send(asio::buffer(scratch.data(), length), 0, error);
    if (error && error != asio::error::would_block) return close();
    if (sent > 0) {
      last_write_ = Clock::now();
      written(sent);
    }
    if (sent == length) continue;
    // The socket is full: on when the client has read some.
    arm(last_write_ + limits_.send_timeout);
    socket.async_wait(asio::socket_base::wait_write,
                      [self = shared_from_this()](asio::error_code wait_error) {
                        if (self->closed_) return;
                        if (wait_error) return self->close();
                        self->write_plain();
                      });
    return;
  }
  drained();
}

void Session::written(std::size_t bytes) {
  while (bytes > 0) {
    const auto& front = *queue_.front();
    const auto rest = front.size() - front_written_;
    if (bytes < rest) {
      front_written_ += bytes;
      return;
    }
    bytes -= rest;
    front_written_ = 0;
    const auto cost = front.size() + queued_line_overhead;
    queued_bytes_ -= cost;
    budget_.release(cost);
    queue_.pop_front();
  }
}

void Session::drained() {
  writing_ = false;
  if (closing_) close();
}

void Session::write_tls() {
  // At least one line, then up to a bound in lines and in bytes (TLS copies what it writes).
  std::size_t count = 0;
  std::size_t bytes = 0;
  write_buffers_.clear();
  while (count < queue_.size() && count < max_buffers_per_write &&
         (count == 0 || bytes + queue_[count]->size() <= max_bytes_per_write)) {
    bytes += queue_[count]->size();
    write_buffers_.push_back(asio::buffer(*queue_[count++]));
  }
  last_write_ = Clock::now();
  arm(last_write_ + limits_.send_timeout);
  // Every part written is progress: a slow reader is not a stalled one.
  const auto progress = [self = shared_from_this()](const asio::error_code& error,
                                                    std::size_t) -> std::size_t {
    self->last_write_ = Clock::now();
    return error ? 0 : 64 * 1024;
  };
  stream_.async_write(write_buffers_, progress,
                      [self = shared_from_this()](asio::error_code error, std::size_t length) {
                        if (self->closed_) return;
                        if (error) return self->close();
                        self->written(length);
                        if (self->queue_.empty()) return self->drained();
                        self->write_tls();
                      });
}

}  // namespace chat
