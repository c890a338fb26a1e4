#pragma once

#include <algorithm>
#include <cstddef>

namespace chat {

// The output waiting for all clients together, against one budget (Redis's maxmemory-clients):
// each connection's own send queue limit bounds one reader that stalls, this bounds thousands.
// Once the budget is spent, a connection holding more than its share (the budget divided among
// the open connections) whose output has stalled is dropped as if its own queue had overflowed;
// the others, which are keeping up, go on.
class OutputBudget {
 public:
  explicit OutputBudget(std::size_t limit) : limit_(limit) {}

  void connection_opened() { ++connections_; }
  void connection_closed() { --connections_; }
  void charge(std::size_t bytes) { used_ += bytes; }
  void release(std::size_t bytes) { used_ -= bytes; }

  // Whether a connection whose queue would hold `queued` bytes must be dropped.
  bool over_share(std::size_t queued) const {
    return used_ > limit_ && queued > limit_ / std::max<std::size_t>(connections_, 1);
  }
  std::size_t used() const { return used_; }

 private:
  std::size_t limit_;
  std::size_t used_ = 0;
  std::size_t connections_ = 0;
};

}  // namespace chat
