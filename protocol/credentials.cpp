#include "protocol/credentials.hpp"

#include "protocol/text.hpp"

namespace chat::protocol {

std::optional<Error> check_password(std::string_view password) {
  if (password.size() < min_password_length || password.size() > max_password_length ||
      password.find_first_of(" \t") != std::string_view::npos || check_message_text(password)) {
    return Error::password_invalid;
  }
  return std::nullopt;
}

bool is_session_token(std::string_view token) {
  if (token.size() != session_token_length) return false;
  for (const char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace chat::protocol
