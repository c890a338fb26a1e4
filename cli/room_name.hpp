#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat::cli {

// "#main" or, seed 004 style, "main": the room's '#' spelling, or nullopt when it is no room name.
// (protocol::parse_command accepts the same spellings but keeps its helper private.)
std::optional<std::string> parse_room_name(std::string_view word);

}  // namespace chat::cli
