#pragma once

#include <string_view>

namespace chat {

// The incoming side of a connection, as a session drives it: a front implements this to turn
// lines into hub calls.
class LineHandler {
 public:
  virtual ~LineHandler() = default;
  virtual void on_line(std::string_view line) = 0;
  virtual void on_line_too_long() = 0;
  // The client half-closed and every line before has been handed on: the front closes the
  // connection (close_after_flush) once it has answered them all.
  virtual void on_input_end() = 0;
  // Nothing came from the client for the idle timeout; called again each further timeout.
  virtual void on_idle() = 0;
  // The login timeout has passed: a front whose client has not logged in says why and closes.
  virtual void on_login_deadline() = 0;
  // The connection is gone; called once.
  virtual void on_close() = 0;
};

}  // namespace chat
