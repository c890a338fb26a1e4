#include "chatd/hub/flood_control.hpp"

#include <algorithm>

namespace chat {
namespace {

constexpr std::array<std::string_view, command_class_count> class_names = {
    "message", "nickname", "membership", "room", "account", "query", "other"};

}  // namespace

std::string_view command_class_name(CommandClass kind) {
  return class_names[static_cast<std::size_t>(kind)];
}

std::optional<CommandClass> parse_command_class(std::string_view name) {
  const auto found = std::find(class_names.begin(), class_names.end(), name);
  if (found == class_names.end()) return std::nullopt;
  return static_cast<CommandClass>(found - class_names.begin());
}

FloodControl::FloodControl(const FloodLimits& limits) : limits_(limits) {
  const auto now = Clock::now();
  for (std::size_t i = 0; i < command_class_count; ++i) {
    buckets_[i] = {limits.rates[i].burst, now};
  }
}

FloodControl::Clock::duration FloodControl::charge(CommandClass kind, Clock::time_point now,
                                                   double cost) {
  if (!limits_.enabled) return Clock::duration::zero();
  const auto index = static_cast<std::size_t>(kind);
  const auto& rate = limits_.rates[index];
  auto& bucket = buckets_[index];
  const std::chrono::duration<double> elapsed = now - bucket.updated;
  bucket.tokens = std::min(rate.burst, bucket.tokens + elapsed.count() * rate.per_second);
  bucket.updated = now;
  bucket.tokens -= cost;
  if (bucket.tokens >= 0) return Clock::duration::zero();
  // Rates are at least 0.01 a second (options), so the wait fits a duration with room to spare.
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(-bucket.tokens / rate.per_second));
}

}  // namespace chat
