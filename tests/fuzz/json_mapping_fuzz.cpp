// Browser frames on arbitrary input: a frame becomes at most one chatd command line (a line
// break inside a field must never smuggle a second command), or an error with a code.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "protocol/json_mapping.hpp"
#include "tests/fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chat::protocol;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = frame_to_line(text);
  if (const auto* line = std::get_if<std::string>(&result)) {
    require(!has_line_break(*line), "a frame is at most one command line");
    require(!line->empty(), "a command line is not empty");
  } else {
    require(!std::get<FrameError>(result).code.empty(), "an error has a code");
  }
  return 0;
}
