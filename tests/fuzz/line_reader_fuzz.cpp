// LineReader on arbitrary bytes in arbitrary chunks: lines never hold a newline or exceed the
// limit, and the same bytes give the same lines however they are split.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/line_reader.hpp"
#include "tests/fuzz/property.hpp"

namespace {

constexpr std::size_t max_length = 64;

std::vector<std::string> read_all(std::string_view bytes, std::size_t chunk) {
  chat::protocol::LineReader reader(max_length);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    reader.append(bytes.substr(at, chunk));
    while (auto event = reader.next()) {
      lines.push_back(event->kind == chat::protocol::LineEvent::Kind::too_long ? "\x01too long"
                                                                               : event->text);
    }
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto lines = read_all(bytes, chunk);
  for (const auto& line : lines) {
    require(line.find('\n') == std::string::npos, "a line holds no newline");
    require(line.size() <= max_length || line == "\x01too long", "a line is within the limit");
  }
  require(lines == read_all(bytes, bytes.size() + 1), "chunking does not change the lines");
  return 0;
}
