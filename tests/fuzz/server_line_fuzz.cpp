// chatd's lines on arbitrary input as wsproxy and the console client read them: parsing never
// fails badly, and every line wsproxy maps becomes one valid JSON frame.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/json_mapping.hpp"
#include "protocol/server_line.hpp"
#include "tests/fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chat::protocol;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_server_line(line);
  const auto frame = line_to_frame(line);
  if (frame) {
    require(parsed.has_value(), "only parsed lines become frames");
    const auto json = nlohmann::json::parse(*frame, nullptr, /*allow_exceptions=*/false);
    require(json.is_object(), "a frame is one JSON object");
    require(!has_line_break(*frame), "a frame is one line");
  }
  return 0;
}
