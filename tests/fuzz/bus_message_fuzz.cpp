// Bus entries on arbitrary input, as another node (of another version, or broken) could write
// them: decoding never crashes, and what decodes encodes to what decodes to the same again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chatd/cluster/bus_message.hpp"
#include "tests/fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chat::cluster;
  const auto decoded = decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!decoded) return 0;
  const auto encoded = encode(*decoded);
  const auto again = decode(encoded);
  require(again.has_value(), "what is encoded decodes");
  require(encode(*again) == encoded, "decoding and encoding again changes nothing");
  return 0;
}
