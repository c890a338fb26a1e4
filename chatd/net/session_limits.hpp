#pragma once

#include <chrono>
#include <cstddef>

namespace chat {

struct SessionLimits {
  std::size_t max_line_length = 8192;
  // A client whose unsent output exceeds this is disconnected (InspIRCd's hardsendq, Redis's
  // client-output-buffer-limit): a reader that stalls must not grow the server without bound.
  std::size_t max_send_queue = 1024 * 1024;
  // A connection silent this long is asked whether it is still there (the front decides how:
  // IRC sends a PING and closes one silent for as long again).
  std::chrono::seconds idle_timeout{120};
  // A connection that has not logged in by then is closed (not one through a trusted proxy,
  // which holds a browser on its login page).
  std::chrono::seconds login_timeout{60};
  // A client whose output has not moved for this long, with some waiting, is closed: one that
  // never reads must not pin its queue (up to max_send_queue) and its socket buffers forever.
  std::chrono::seconds send_timeout{60};
};

}  // namespace chat
