#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace chat {

// The lines waiting to be written to one connection, oldest first. A vector and a read
// position rather than a std::deque, which allocates some 600 bytes even while empty: an idle
// connection's queue holds (almost) nothing.
class LineQueue {
 public:
  using Line = std::shared_ptr<const std::string>;

  bool empty() const { return head_ == lines_.size(); }
  std::size_t size() const { return lines_.size() - head_; }
  const Line& front() const { return lines_[head_]; }
  const Line& operator[](std::size_t index) const { return lines_[head_ + index]; }
  auto begin() const { return lines_.begin() + static_cast<std::ptrdiff_t>(head_); }
  auto end() const { return lines_.end(); }

  void push_back(Line line) { lines_.push_back(std::move(line)); }
  void pop_front() {
    lines_[head_++].reset();
    if (head_ == lines_.size()) {
      head_ = 0;
      lines_.clear();
      if (lines_.capacity() > kept_capacity) std::vector<Line>().swap(lines_);
    } else if (head_ >= compact_after && 2 * head_ >= lines_.size()) {
      // A queue that never empties moves its lines down now and then, at most as often as
      // half of them have been written.
      lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  static constexpr std::size_t kept_capacity = 16;
  static constexpr std::size_t compact_after = 64;

  std::vector<Line> lines_;
  std::size_t head_ = 0;  // lines_ before it are written (and reset)
};

}  // namespace chat
