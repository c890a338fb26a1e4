#include "chatd/accounts/login_throttle.hpp"

#include <algorithm>

namespace chat {

bool LoginThrottle::blocked(const std::string& key, Clock::time_point now) const {
  const auto it = records_.find(key);
  return it != records_.end() && now < it->second.blocked_until;
}

void LoginThrottle::failed(const std::string& key, Clock::time_point now) {
  if (records_.size() >= 4096) forget_idle(now);
  auto& record = records_[key];
  ++record.failures;
  record.last_failure = now;
  if (record.failures <= free_failures_) return;
  const auto doublings = std::min(record.failures - free_failures_ - 1, 6U);
  const auto block =
      std::min<Clock::duration>(std::chrono::seconds(1) * (1U << doublings), max_block);
  record.blocked_until = now + block;
}

void LoginThrottle::succeeded(const std::string& key) { records_.erase(key); }

void LoginThrottle::forget_idle(Clock::time_point now) {
  std::erase_if(records_, [now](const auto& entry) {
    return now - entry.second.last_failure > 2 * max_block;
  });
}

}  // namespace chat
