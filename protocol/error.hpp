#pragma once

#include <string_view>

namespace chat::protocol {

// Every way a client command can fail. Each has a stable machine code (rich mode, JSON) and a
// human sentence (both modes); the sentences of seed 002 are part of the plain protocol.
enum class Error {
  unknown_command,
  line_too_long,
  missing_argument,
  username_required,
  username_empty,
  username_has_spaces,
  username_too_long,
  username_invalid,
  username_taken,
  message_empty,
  message_invalid_utf8,
  message_control_characters,
  message_too_many_lines,
  room_name_invalid,
  room_exists,
  no_such_room,
  no_such_user,
  already_member,
  not_member,
  not_room_owner,
  room_limit,
  invalid_argument,
  password_invalid,
  login_failed,
  login_throttled,
  already_logged_in,
  nickname_registered,
  already_registered,
  not_registered,
  token_invalid,
  no_such_message,
  store_failed,
  store_disabled,
  login_timeout,
  too_many_connections,
  no_such_provider,
  signin_expired,
  signin_failed,
  provider_unavailable,
  identity_linked,
  link_needs_account,
  redirect_refused,
  signin_busy,
  cluster_unavailable,
  proxies_only,
};

// "unknown-command", "username-taken", ...
std::string_view error_code(Error error);
// "Unrecognised command.", "Username contains empty spaces.", ...
std::string_view error_text(Error error);

}  // namespace chat::protocol
