#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/error.hpp"

namespace chat::protocol {

inline constexpr std::size_t max_nickname_length = 32;
inline constexpr std::size_t max_room_name_length = 50;  // not counting the '#'
inline constexpr std::size_t max_topic_length = 300;     // bytes (IRC's TOPICLEN)

// Nicknames: 1..32 of [A-Za-z0-9_-], starting with a letter or '_' (so they never look like a
// room '#', a user '@' or everyone '*' where a target is expected).
std::optional<Error> check_nickname(std::string_view nickname);

// Room names: '#' then 1..50 of [A-Za-z0-9_-].
std::optional<Error> check_room_name(std::string_view room);

// The one case mapping used everywhere names are compared: ASCII letters fold to lower case.
std::string fold_case(std::string_view name);

}  // namespace chat::protocol
