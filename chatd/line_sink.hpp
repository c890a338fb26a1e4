#pragma once

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

 protected:
  ~LineSink() = default;
};

}  // namespace chat
