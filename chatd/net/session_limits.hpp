#pragma once

#include <cstddef>

namespace chat {

struct SessionLimits {
  std::size_t max_line_length = 8192;
  // A client whose unsent output exceeds this is disconnected (InspIRCd's hardsendq, Redis's
  // client-output-buffer-limit): a reader that stalls must not grow the server without bound.
  std::size_t max_send_queue = 1024 * 1024;
};

}  // namespace chat
