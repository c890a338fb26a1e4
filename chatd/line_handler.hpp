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
  // The connection is gone; called once.
  virtual void on_close() = 0;
};

}  // namespace chat
