#pragma once

#include <optional>
#include <string_view>

#include "protocol/error.hpp"

namespace chat::protocol {

bool is_valid_utf8(std::string_view bytes);

// A message whose text begins with this is an action ("/me waves": alice waves), on every front:
// chat stores and relays it as text, IRC has it as CTCP ACTION, clients show it as an action.
inline constexpr std::string_view action_prefix = "/me ";

// What a chat message may contain: non-empty, valid UTF-8, no C0 or C1 control characters
// except TAB (they would let one user rewrite another's terminal).
std::optional<Error> check_message_text(std::string_view text);

}  // namespace chat::protocol
