#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "protocol/error.hpp"

namespace chat::protocol {

inline constexpr std::size_t min_password_length = 8;
inline constexpr std::size_t max_password_length = 128;
// Session tokens are 32 random bytes written as 64 lower-case hex digits.
inline constexpr std::size_t session_token_length = 64;

// Passwords travel as one word of a command line: 8..128 bytes of valid UTF-8, no spaces and
// no control characters.
std::optional<Error> check_password(std::string_view password);

// A well-formed session token (whether it is valid is the server's to say).
bool is_session_token(std::string_view token);

}  // namespace chat::protocol
