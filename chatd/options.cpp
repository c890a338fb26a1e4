#include "chatd/options.hpp"

#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "protocol/decimal.hpp"

namespace chat {

std::string usage() {
  return "Usage: chatd [--bind ADDRESS] [--port PORT] [--irc-port PORT | --no-irc]\n"
         "             [--db PATH | --no-store] [--max-line BYTES] [--max-sendq BYTES]\n"
         "             [--max-rooms N] [--max-rooms-per-user N]\n"
         "\n"
         "  --irc-port PORT    IRC listener for standard IRC clients, 0 for any free port\n"
         "                     (default 6667)\n"
         "  --no-irc           no IRC listener\n"
         "  --db PATH          SQLite database of accounts, rooms and history, created if missing\n"
         "                     (default chatd.db in the working directory; :memory: for one that\n"
         "                     lasts as long as the process)\n"
         "  --no-store         keep nothing: no accounts or history, rooms live in memory only\n"
         "  --bind ADDRESS     address to listen on (default 0.0.0.0)\n"
         "  --port PORT        TCP port to listen on, 0 for any free port (default 8080)\n"
         "  --max-line BYTES   longest accepted command line (default 8192)\n"
         "  --max-sendq BYTES  unsent output after which a client is dropped (default 1048576);\n"
         "                     at least 4 times --max-line\n"
         "  --max-rooms N      rooms on the server (default 10000)\n"
         "  --max-rooms-per-user N  rooms one user may have created (default 100)\n"
         "  --help             show this help\n";
}

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return ShowHelp{};
    if (flag == "--no-store") {
      options.database.clear();
      continue;
    }
    if (flag == "--no-irc") {
      options.irc_port.reset();
      continue;
    }
    if (i + 1 >= argc)
      return OptionsError{fmt::format("unknown option or missing value: {}", flag)};
    const std::string_view value = argv[++i];
    if (flag == "--bind") {
      options.bind_address = value;
    } else if (flag == "--irc-port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid --irc-port: {}", value)};
      options.irc_port = *port;
    } else if (flag == "--db") {
      if (value.empty()) return OptionsError{"--db needs a path"};
      options.database = value;
    } else if (flag == "--port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid port: {}", value)};
      options.port = *port;
    } else if (flag == "--max-line") {
      const auto bytes = protocol::parse_decimal<std::size_t>(value, 64, 1 << 24);
      if (!bytes) return OptionsError{fmt::format("invalid --max-line: {}", value)};
      options.session_limits.max_line_length = *bytes;
    } else if (flag == "--max-sendq") {
      const auto bytes = protocol::parse_decimal<std::size_t>(value, 4096, std::size_t{1} << 32);
      if (!bytes) return OptionsError{fmt::format("invalid --max-sendq: {}", value)};
      options.session_limits.max_send_queue = *bytes;
    } else if (flag == "--max-rooms" || flag == "--max-rooms-per-user") {
      const auto count = protocol::parse_decimal<std::size_t>(value, 1, 1'000'000);
      if (!count) return OptionsError{fmt::format("invalid {}: {}", flag, value)};
      (flag == "--max-rooms" ? options.hub_limits.max_rooms
                             : options.hub_limits.max_rooms_per_owner) = *count;
    } else {
      return OptionsError{fmt::format("unknown option: {}", flag)};
    }
  }
  // A message line fanned out must fit a recipient's send queue with room to spare.
  const auto& limits = options.session_limits;
  if (limits.max_send_queue < 4 * limits.max_line_length) {
    return OptionsError{"--max-sendq must be at least 4 times --max-line"};
  }
  return options;
}

}  // namespace chat
