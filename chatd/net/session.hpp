#pragma once

#include <array>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chatd/net/fifo.hpp"
#include "chatd/net/line_handler.hpp"
#include "chatd/net/line_sink.hpp"
#include "chatd/net/output_budget.hpp"
#include "chatd/net/session_limits.hpp"
#include "chatd/net/shared_io.hpp"
#include "chatd/net/stream.hpp"
#include "protocol/line_reader.hpp"

namespace chat {

// One connection (TCP, or TLS over it): owns the stream, splits incoming bytes into lines for its
// front, and writes the front's lines from a bounded queue. It moves bytes and knows nothing of
// commands.
class Session final : public std::enable_shared_from_this<Session>, public LineSink {
 public:
  using FrontFactory = std::function<std::unique_ptr<LineHandler>(LineSink&)>;
  using ClosedHandler = std::function<void(Session&)>;
  using Clock = std::chrono::steady_clock;

  // `trusted_proxy`: the peer is a proxy whose first line may name the real client
  // ("PROXY <address>"), and which keeps its own clients' login deadlines.
  // `budget`: the output of all connections together, which this one's queue counts in.
  // `shared`: the listener's scratch buffer and end-of-turn writes.
  // `remote_address`: the peer's, as the listener saw it.
  Session(Stream stream, std::string remote_address, const SessionLimits& limits,
          OutputBudget& budget, SharedIo& shared, bool trusted_proxy, ClosedHandler on_closed);

  void start(const FrontFactory& make_front);
  // Stops reading and queuing, so that closing every session at shutdown does not fan each
  // departure out to all the others.
  void begin_shutdown();
  void close();

  void send(std::shared_ptr<const std::string> line) override;
  void close_after_flush() override;
  void pause_input() override;
  void resume_input() override;
  void hold_input(std::chrono::steady_clock::duration wait) override;
  const std::string& remote_address() const override { return remote_address_; }
  void restart_login_deadline() override;
  // Writes what is queued (SharedIo calls it at the end of the turn it was queued in).
  void write();

 private:
  asio::any_io_executor executor() { return stream_.socket().get_executor(); }
  void read();
  // A read's outcome: `bytes` are valid only during the call (the shared scratch buffer).
  void on_read(const asio::error_code& error, std::string_view bytes);
  // Whether a queue of `queued` bytes must be given up for the shared budget: over this
  // connection's share while all are spent, with output that has stalled.
  bool over_budget(std::size_t queued) const;
  // Plain TCP: sends the queue's front lines from the scratch buffer with one non-blocking
  // system call at a time, until the queue is empty or the socket is full.
  void write_plain();
  // TLS: one asynchronous write of the queue's front lines.
  void write_tls();
  // Forgets the first `bytes` written of the queue.
  void written(std::size_t bytes);
  // The queue is empty: output is idle again, and a closing session closes.
  void drained();
  // Hands buffered lines to the front until it pauses, then reads more.
  void dispatch_lines();
  // A trusted proxy's "PROXY <address>" line: the address becomes the client's. False for any
  // other line, which is the front's.
  bool proxied(std::string_view line);
  // The one timer of a connection: it fires at the earliest of its deadlines (a timer each
  // would cost some 120 bytes and a pending wait per idle connection). `arm` moves it earlier
  // only; a deadline that moved later is looked at when the timer fires, and the timer is set
  // again for whatever is next.
  void arm(Clock::time_point when);
  void on_timer();
  Clock::time_point next_deadline() const;

  Stream stream_;
  std::string remote_address_;
  SessionLimits limits_;
  OutputBudget& budget_;
  ClosedHandler on_closed_;
  asio::steady_timer timer_;
  Clock::time_point armed_for_ = Clock::time_point::max();  // the pending wait's expiry
  // Deadlines, each looked at by on_timer():
  // - the send timeout: a write making no progress since last_write_ (while writing_);
  // - flood control's hold ends (while holding_): input resumes;
  // - close_after_flush() gives up on a client that never reads (while lingering_);
  // - the login deadline (while checking_login_), looked at again every so often while a
  //   command of the front is still waiting;
  // - the idle timeout, after last_input_.
  Clock::time_point last_write_;  // the last bytes written, or a write begun
  Clock::time_point hold_until_;
  Clock::time_point linger_until_;
  bool lingering_ = false;
  Clock::time_point login_deadline_;
  Clock::time_point login_check_;
  bool checking_login_ = false;
  Clock::time_point idle_check_;
  bool trusted_proxy_ = false;
  bool first_line_ = true;  // a trusted proxy's PROXY line comes first or not at all
  // The last read, or the end of a hold (the client's answers may have waited in the socket).
  Clock::time_point last_input_;
  std::unique_ptr<LineHandler> front_;
  SharedIo& shared_;
  protocol::LineReader reader_;
  // TLS reads into a buffer of its own: Asio's TLS stream may complete a read later than it
  // filled the buffer, so the shared one could be overwritten in between.
  std::unique_ptr<std::array<char, 16 * 1024>> tls_read_buffer_;

  Fifo<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t front_written_ = 0;                  // plain TCP: bytes of queue_.front() sent
  std::vector<asio::const_buffer> write_buffers_;  // TLS: the front of queue_ being written
  // Output is under way: a write is scheduled for the end of the turn, waits for the socket to
  // take more, or (TLS) is in flight. Ends when the queue is empty.
  bool writing_ = false;
  bool reading_ = false;
  bool handshaking_ = false;  // TLS: nothing is read or written before the handshake is done
  unsigned pauses_ = 0;       // commands of the front still waiting; input flows at 0
  bool dispatching_ = false;
  bool holding_ = false;  // until hold_until_, and counted in pauses_
  bool eof_ = false;
  bool input_ended_ = false;  // the client half-closed; its remaining lines are still answered
  bool closing_ = false;      // reads and queues nothing more; close() follows (after the queue
                              // drains, or at once on overflow)
  bool closed_ = false;
};

}  // namespace chat
