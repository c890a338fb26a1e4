#pragma once

#include <asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace chat {

class Session;

// What the sessions of one listener share on their event loop, so that an idle session holds
// neither a read buffer nor a write in progress:
// - a scratch buffer for the bytes of one read or one write, copied out of it (into the line
//   reader) or sent before the call that filled it returns;
// - the sessions with output queued in this turn of the loop. Their writes begin together after
//   the turn's other ready handlers, so a recipient of several messages in one turn gets them in
//   one system call; one posted handler serves them all, and nothing waits on a timer.
// It must outlive its event loop's handlers (a posted flush holds it): its listener is destroyed
// only after the loop has stopped.
class SharedIo {
 public:
  explicit SharedIo(asio::any_io_executor executor);

  std::span<char> scratch() { return scratch_; }
  void schedule_write(std::shared_ptr<Session> session);

 private:
  static constexpr std::size_t scratch_size = 64 * 1024;

  void flush();

  asio::any_io_executor executor_;
  std::vector<char> scratch_;
  std::vector<std::shared_ptr<Session>> pending_;
  std::vector<std::shared_ptr<Session>> flushing_;  // pending_'s sessions, kept to reuse memory
};

}  // namespace chat
