#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace chat {

// A first-in first-out queue on a vector and a read position, for the queues every connection
// keeps (lines to write, answers in command order): a std::deque allocates some 600 bytes even
// while empty, this nothing until used, and it gives a large buffer back once emptied.
template <typename T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& operator[](std::size_t index) { return items_[head_ + index]; }
  const T& operator[](std::size_t index) const { return items_[head_ + index]; }
  auto begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  auto end() const { return items_.end(); }

  void push_back(T item) { items_.push_back(std::move(item)); }
  void pop_front() {
    items_[head_++] = T{};  // what it holds goes now, not when the slot is reused
    if (head_ == items_.size()) {
      head_ = 0;
      items_.clear();
      if (items_.capacity() > kept_capacity) std::vector<T>().swap(items_);
    } else if (head_ >= compact_after && 2 * head_ >= items_.size()) {
      // A queue that never empties moves its items down now and then, at most as often as
      // half of them have been taken.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  static constexpr std::size_t kept_capacity = 16;
  static constexpr std::size_t compact_after = 64;

  std::vector<T> items_;
  std::size_t head_ = 0;  // items_ before it are taken (and emptied)
};

}  // namespace chat
