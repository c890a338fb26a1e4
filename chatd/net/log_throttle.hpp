#pragma once

#include <chrono>

namespace chat {

// Lets a log line through at most once a second: a failure that repeats under load (refused
// connections, accept at the open-files limit) must not flood the log as well.
class LogThrottle {
 public:
  bool allow() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) return false;
    last_ = now;
    return true;
  }

 private:
  std::chrono::steady_clock::time_point last_;
};

}  // namespace chat
