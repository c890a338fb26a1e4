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

// A valid nickname made from a name in a profile ("Alice Smith", "alice.smith@example.org"):
// an e-mail address's part before '@', spaces and dots as '_', other characters left out,
// "user" when nothing is left; at most `max_length` bytes.
std::string nickname_from_profile(std::string_view name,
                                  std::size_t max_length = max_nickname_length);

// Sign-in providers' names as the operator configures them ("GitLab"): 1..32 of
// [A-Za-z0-9_-]; they are shown to users as they are.
bool is_provider_name(std::string_view name);

// The one case mapping used everywhere names are compared: ASCII letters fold to lower case.
std::string fold_case(std::string_view name);

}  // namespace chat::protocol
