#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace chat {

// Slows down password guessing: after `free_failures` failed logins for a key (an account or
// an address), each further failure blocks that key for twice as long as the last, from 1 s up
// to a minute. A success clears the key. Keys idle for longer than the longest block are
// forgotten, so the table stays small.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LoginThrottle(unsigned free_failures) : free_failures_(free_failures) {}

  bool blocked(const std::string& key, Clock::time_point now) const;
  void failed(const std::string& key, Clock::time_point now);
  void succeeded(const std::string& key);
  std::size_t size() const { return records_.size(); }

  static constexpr auto max_block = std::chrono::seconds(60);

 private:
  struct Record {
    unsigned failures = 0;
    Clock::time_point blocked_until;
    Clock::time_point last_failure;
  };
  void forget_idle(Clock::time_point now);

  unsigned free_failures_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace chat
