// The IRC codec on arbitrary lines: formatting what was parsed gives a line that parses to the
// same message, and a line without breaks never formats into one with a break.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/irc_message.hpp"
#include "tests/fuzz/property.hpp"

namespace {

bool same(const chat::protocol::irc::Message& a, const chat::protocol::irc::Message& b) {
  return a.tags == b.tags && a.source == b.source && a.command == b.command &&
         a.params == b.params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace irc = chat::protocol::irc;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto message = irc::parse(line);
  if (!message) return 0;
  const auto formatted = irc::format(*message);
  if (!has_line_break(line) && line.find('\0') == std::string_view::npos) {
    require(!has_line_break(formatted), "no line break appears in formatting");
  }
  const auto again = irc::parse(formatted);
  require(again.has_value(), "a formatted message parses");
  require(same(*message, *again), "parse and format round-trip");
  for (const auto& [key, value] : message->tags) {
    require(irc::unescape_tag_value(irc::escape_tag_value(value)) == value,
            "tag values survive escaping");
  }
  return 0;
}
