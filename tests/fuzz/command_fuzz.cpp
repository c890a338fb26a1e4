// parse_command on arbitrary lines: what it accepts formats back to a line without breaks that
// parses to the same command (so the console client and wsproxy can rebuild it).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "protocol/command.hpp"
#include "tests/fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chat::protocol;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_command(line);
  const auto* command = std::get_if<Command>(&parsed);
  if (!command) return 0;
  const auto formatted = format_command(*command);
  require(!has_line_break(formatted), "a formatted command has no line break");
  const auto again = parse_command(formatted);
  require(std::holds_alternative<Command>(again), "a formatted command parses");
  require(format_command(std::get<Command>(again)) == formatted, "format and parse round-trip");
  return 0;
}
