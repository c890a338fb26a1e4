#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace chat::cli {

// The console client's reconnection policy (docs/cli.md): delays from 0.5 s doubling to 15 s,
// started over once a connection has lasted 10 s.
inline constexpr std::chrono::milliseconds first_reconnect_delay{500};
inline constexpr std::chrono::milliseconds longest_reconnect_delay{15'000};
inline constexpr std::chrono::seconds stable_connection{10};

// Delays between reconnection attempts: doubling from `first` up to `limit`. Each delay is cut
// by up to a fifth at random, so the clients of a restarted server do not all return at once.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds limit, std::uint32_t seed);

  std::chrono::milliseconds next();
  void reset();  // after a connection that worked

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds limit_;
  std::chrono::milliseconds current_;
  std::minstd_rand random_;
};

}  // namespace chat::cli
