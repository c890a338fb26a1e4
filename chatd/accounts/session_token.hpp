#pragma once

#include <string>
#include <string_view>

namespace chat {

// A new session token: 32 random bytes as 64 hex digits (protocol::is_session_token).
std::string new_session_token();
// What the store keeps instead of the token: a BLAKE2b hash in hex, so a copy of the database
// gives nobody a way into the accounts.
std::string session_token_hash(std::string_view token);

}  // namespace chat
