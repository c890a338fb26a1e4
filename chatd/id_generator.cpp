#include "chatd/id_generator.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace chat {

IdGenerator::IdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device(),
                     device(), device(), device(), device()};
  engine_.seed(seed);
}

std::string IdGenerator::next() {
  std::uint64_t high = engine_();
  std::uint64_t low = engine_();
  high = (high & ~std::uint64_t{0xF000}) | 0x4000;                         // version 4
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFull);
}

}  // namespace chat
