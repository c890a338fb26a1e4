// Flood control's token buckets on a clock the test sets: a burst passes, then each command
// past it costs 1/rate of waiting, each class on its own, refilled by idle time up to the burst.
#include "chatd/hub/flood_control.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace {

using chat::CommandClass;
using chat::FloodControl;
using namespace std::chrono_literals;

chat::FloodLimits limits(double per_second, double burst) {
  chat::FloodLimits result;
  for (auto& rate : result.rates) rate = {per_second, burst};
  return result;
}

double waited_ms(FloodControl::Clock::duration wait) {
  return std::chrono::duration<double, std::milli>(wait).count();
}

}  // namespace

TEST_CASE("a burst passes at once, and each command past it waits 1/rate more") {
  const auto rules = limits(10, 3);
  FloodControl flood(rules);
  const auto start = FloodControl::Clock::now();
  for (int i = 0; i < 3; ++i) CHECK(flood.charge(CommandClass::message, start) == 0s);
  CHECK(waited_ms(flood.charge(CommandClass::message, start)) == doctest::Approx(100));
  CHECK(waited_ms(flood.charge(CommandClass::message, start)) == doctest::Approx(200));
  // Having waited as told, the next command waits one interval again: a steady rate.
  CHECK(waited_ms(flood.charge(CommandClass::message, start + 200ms)) == doctest::Approx(100));
}

TEST_CASE("idle time refills the bucket, never beyond the burst") {
  const auto rules = limits(10, 3);
  FloodControl flood(rules);
  const auto start = FloodControl::Clock::now();
  for (int i = 0; i < 3; ++i) flood.charge(CommandClass::query, start);
  const auto later = start + 1h;
  for (int i = 0; i < 3; ++i) CHECK(flood.charge(CommandClass::query, later) == 0s);
  CHECK(flood.charge(CommandClass::query, later) > 0s);
}

TEST_CASE("each class has its own bucket and its own rate") {
  auto rules = limits(10, 1);
  rules.rates[static_cast<std::size_t>(CommandClass::nickname)] = {0.5, 1};
  FloodControl flood(rules);
  const auto now = FloodControl::Clock::now();
  CHECK(flood.charge(CommandClass::message, now) == 0s);
  CHECK(flood.charge(CommandClass::nickname, now) == 0s);
  CHECK(waited_ms(flood.charge(CommandClass::nickname, now)) == doctest::Approx(2000));
  CHECK(waited_ms(flood.charge(CommandClass::message, now)) == doctest::Approx(100));
}

TEST_CASE("a command may cost several tokens (one per target)") {
  const auto rules = limits(10, 5);
  FloodControl flood(rules);
  const auto now = FloodControl::Clock::now();
  CHECK(flood.charge(CommandClass::membership, now, 5) == 0s);
  CHECK(waited_ms(flood.charge(CommandClass::membership, now, 3)) == doctest::Approx(300));
}

TEST_CASE("turned off, nothing ever waits") {
  auto rules = limits(1, 1);
  rules.enabled = false;
  FloodControl flood(rules);
  const auto now = FloodControl::Clock::now();
  for (int i = 0; i < 1000; ++i) CHECK(flood.charge(CommandClass::room, now) == 0s);
}

TEST_CASE("class names round-trip and unknown ones are refused") {
  for (std::size_t i = 0; i < chat::command_class_count; ++i) {
    const auto kind = static_cast<CommandClass>(i);
    CHECK(chat::parse_command_class(chat::command_class_name(kind)) == kind);
  }
  CHECK_FALSE(chat::parse_command_class("messages"));
  CHECK_FALSE(chat::parse_command_class(""));
}
