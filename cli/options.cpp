#include "cli/options.hpp"

#include <fmt/format.h>

#include <string_view>

#include "protocol/command.hpp"
#include "protocol/decimal.hpp"
#include "protocol/names.hpp"

namespace chat::cli {

std::string usage() {
  return "Usage: chat [--host HOST] [--port PORT] [--nick NAME] [--join ROOM]... [--utc]\n"
         "\n"
         "  --host HOST   chatd's address (default localhost)\n"
         "  --port PORT   chatd's port (default 8080)\n"
         "  --nick NAME   log in as NAME (asked for when left out; without a terminal the\n"
         "                first input line is the name)\n"
         "  --join ROOM   join ROOM after logging in and talk there; may be repeated\n"
         "  --utc         show message times in UTC instead of local time\n"
         "  --help        show this help\n"
         "\n"
         "Type /help once connected for the commands. Without a terminal, chat reads lines from\n"
         "stdin, prints what it receives to stdout, and exits once stdin ends and the server has\n"
         "answered everything.\n";
}

std::variant<Options, ShowUsage, OptionsError> parse_options(int argc, const char* const* argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return ShowUsage{};
    if (flag == "--utc") {
      options.utc = true;
      continue;
    }
    if (i + 1 >= argc)
      return OptionsError{fmt::format("unknown option or missing value: {}", flag)};
    const std::string_view value = argv[++i];
    if (flag == "--host") {
      if (value.empty()) return OptionsError{"empty --host"};
      options.host = value;
    } else if (flag == "--port") {
      if (!protocol::parse_decimal<std::uint16_t>(value, 1, 65535)) {
        return OptionsError{fmt::format("invalid port: {}", value)};
      }
      options.port = value;
    } else if (flag == "--nick") {
      if (const auto error = protocol::check_nickname(value)) {
        return OptionsError{
            fmt::format("invalid nickname {}: {}", value, protocol::error_text(*error))};
      }
      options.nickname = value;
    } else if (flag == "--join") {
      auto room = protocol::parse_room_name(value);
      if (const auto* error = std::get_if<protocol::Error>(&room)) {
        return OptionsError{
            fmt::format("invalid room {}: {}", value, protocol::error_text(*error))};
      }
      options.rooms.push_back(std::move(std::get<std::string>(room)));
    } else {
      return OptionsError{fmt::format("unknown option: {}", flag)};
    }
  }
  return options;
}

}  // namespace chat::cli
