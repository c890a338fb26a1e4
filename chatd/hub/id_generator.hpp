#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace chat {

// Random version 4 UUIDs: user identifiers (seed 003's "identifier") and message ids. Random
// rather than sequential so that several chatd nodes never hand out the same id.
class IdGenerator {
 public:
  IdGenerator();
  std::string next();
  // A version 7 UUID: the time in milliseconds, a counter within the millisecond, random bits.
  // Message ids are these: each is greater than the one before (so the store keeps a
  // conversation in id order and its index grows at one end), and random enough that nodes
  // never collide.
  std::string next_time_ordered(std::chrono::system_clock::time_point now);

 private:
  std::mt19937_64 engine_;
  std::uint64_t last_millis_ = 0;
  std::uint64_t sequence_ = 0;  // 12 bits
};

}  // namespace chat
