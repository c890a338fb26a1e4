#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace chat {

// What a command costs another user, so that each kind is limited on its own: a burst of
// messages does not stop a client from leaving a room.
enum class CommandClass { message, nickname, membership, room, account, query, other };
inline constexpr std::size_t command_class_count = 7;

std::string_view command_class_name(CommandClass kind);
std::optional<CommandClass> parse_command_class(std::string_view name);

struct Rate {
  double per_second = 0;
  double burst = 0;
};

// Per connection, per command class: a burst and then a steady rate. The defaults are above
// anything a person or a well-behaved script does (docs/operations.md); --flood tunes them.
struct FloodLimits {
  bool enabled = true;
  std::array<Rate, command_class_count> rates = {{
      {10, 50},   // message: PRIVMSG, NOTICE, SEND, MSG
      {0.5, 5},   // nickname
      {5, 50},    // membership: join, part, kick (a client joining its 50 channels at once)
      {1, 10},    // room: create, destroy
      {0.5, 5},   // account: login, register, resume, password (each may cost a hash)
      {10, 100},  // query: lists, history, who, whois
      {20, 100},  // other: ping, read markers, capabilities, anything unknown
  }};
};

// Token buckets for one connection. A command always runs; one that overdraws its bucket
// makes the connection wait (its input is not read) until the bucket is back to zero. So a
// flooder is slowed to the steady rate and its commands queue up in its own socket, not in
// other users' send queues; nothing is dropped or disconnected.
class FloodControl {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FloodControl(const FloodLimits& limits);

  // Takes `cost` tokens for a command of `kind` at `now`; returns how long the connection must
  // wait before its next command (zero while within its burst).
  Clock::duration charge(CommandClass kind, Clock::time_point now, double cost = 1);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };

  const FloodLimits& limits_;
  std::array<Bucket, command_class_count> buckets_;
};

}  // namespace chat
