#include "chatd/hub/id_generator.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace chat {

IdGenerator::IdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  engine_.seed(seed);
}

namespace {

std::string format_uuid(std::uint64_t high, std::uint64_t low) {
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFull);
}

}  // namespace

std::string IdGenerator::next() {
  const std::uint64_t high = (engine_() & ~std::uint64_t{0xF000}) | 0x4000;  // version 4
  return format_uuid(high, engine_());
}

std::string IdGenerator::next_time_ordered(std::chrono::system_clock::time_point now) {
  auto millis = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  if (millis > last_millis_) {
    sequence_ = 0;
  } else if (++sequence_ > 0xFFF) {  // 4,096 in one millisecond: borrow the next one
    millis = last_millis_ + 1;
    sequence_ = 0;
  } else {
    millis = last_millis_;  // the clock stepped back: stay monotonic
  }
  last_millis_ = millis;
  const std::uint64_t high = (millis << 16) | 0x7000 | sequence_;  // version 7
  return format_uuid(high, engine_());
}

}  // namespace chat
