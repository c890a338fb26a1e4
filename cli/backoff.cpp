#include "cli/backoff.hpp"

#include <algorithm>

namespace chat::cli {

Backoff::Backoff(std::chrono::milliseconds first, std::chrono::milliseconds limit,
                 std::uint32_t seed)
    : first_(first), limit_(limit), current_(first), random_(seed) {}

std::chrono::milliseconds Backoff::next() {
  const auto base = current_;
  current_ = std::min(current_ * 2, limit_);
  std::uniform_int_distribution<std::chrono::milliseconds::rep> cut(0, base.count() / 5);
  return base - std::chrono::milliseconds(cut(random_));
}

void Backoff::reset() { current_ = first_; }

}  // namespace chat::cli
