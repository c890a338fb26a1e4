#include "cli/room_name.hpp"

#include "protocol/names.hpp"

namespace chat::cli {

std::optional<std::string> parse_room_name(std::string_view word) {
  std::string room =
      !word.empty() && word.front() == '#' ? std::string(word) : "#" + std::string(word);
  if (protocol::check_room_name(room)) return std::nullopt;
  return room;
}

}  // namespace chat::cli
