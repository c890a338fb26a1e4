#pragma once

#include <cstddef>
#include <optional>
#include <string>
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

// A multi-line message: lines joined by '\n' (LF alone), each as check_message_text allows
// except that a line may be empty (a blank line in a pasted snippet), not all of them, and at
// most max_message_lines of them.
inline constexpr std::size_t max_message_lines = 100;
std::optional<Error> check_multiline_text(std::string_view text);

// How a multi-line message travels in one protocol line to a client that asked for it (RICH
// MULTILINE): a line break as the two characters "\n", a backslash as "\\". Unescaping leaves
// a backslash before anything else as it is.
std::string escape_line_breaks(std::string_view text);
std::string unescape_line_breaks(std::string_view text);

}  // namespace chat::protocol
