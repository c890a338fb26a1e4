#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace chat {

// The outgoing side of a connection, as a front sees it.
class LineSink {
 public:
  // Queues a newline-terminated line; the buffer may be shared with other connections.
  virtual void send(std::shared_ptr<const std::string> line) = 0;
  // Sends what is queued, then closes the connection.
  virtual void close_after_flush() = 0;
  // While a command waits for the store or a password hash, the lines after it wait too (and
  // so, past the socket buffers, does the client): commands take effect in the order sent.
  virtual void pause_input() = 0;
  // Hands the waiting lines on, after the current call returns.
  virtual void resume_input() = 0;
  // Flood control: hands on no more lines for `wait` (the client's bytes wait in the socket).
  virtual void hold_input(std::chrono::steady_clock::duration wait) = 0;
  // A client that logged out has the login deadline again, from now (not one through a
  // trusted proxy).
  virtual void restart_login_deadline() = 0;
  // The client's address, for limits per address.
  virtual const std::string& remote_address() const = 0;

 protected:
  ~LineSink() = default;
};

}  // namespace chat
