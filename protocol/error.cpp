#include "protocol/error.hpp"

namespace chat::protocol {

std::string_view error_code(Error error) {
  switch (error) {
    case Error::unknown_command:
      return "unknown-command";
    case Error::line_too_long:
      return "line-too-long";
    case Error::missing_argument:
      return "missing-argument";
    case Error::username_required:
      return "username-required";
    case Error::username_empty:
      return "username-empty";
    case Error::username_has_spaces:
      return "username-has-spaces";
    case Error::username_too_long:
      return "username-too-long";
    case Error::username_invalid:
      return "username-invalid";
    case Error::username_taken:
      return "username-taken";
    case Error::message_empty:
      return "message-empty";
    case Error::message_invalid_utf8:
      return "message-invalid-utf8";
    case Error::message_control_characters:
      return "message-control-characters";
    case Error::message_too_many_lines:
      return "message-too-many-lines";
    case Error::room_name_invalid:
      return "room-name-invalid";
    case Error::room_exists:
      return "room-exists";
    case Error::no_such_room:
      return "no-such-room";
    case Error::no_such_user:
      return "no-such-user";
    case Error::already_member:
      return "already-member";
    case Error::not_member:
      return "not-member";
    case Error::not_room_owner:
      return "not-room-owner";
    case Error::room_limit:
      return "room-limit";
    case Error::invalid_argument:
      return "invalid-argument";
    case Error::password_invalid:
      return "password-invalid";
    case Error::login_failed:
      return "login-failed";
    case Error::login_throttled:
      return "login-throttled";
    case Error::already_logged_in:
      return "already-logged-in";
    case Error::nickname_registered:
      return "nickname-registered";
    case Error::already_registered:
      return "already-registered";
    case Error::not_registered:
      return "not-registered";
    case Error::token_invalid:
      return "token-invalid";
    case Error::no_such_message:
      return "no-such-message";
    case Error::store_failed:
      return "store-failed";
    case Error::store_disabled:
      return "store-disabled";
    case Error::login_timeout:
      return "login-timeout";
    case Error::too_many_connections:
      return "too-many-connections";
    case Error::no_such_provider:
      return "no-such-provider";
    case Error::signin_expired:
      return "signin-expired";
    case Error::signin_failed:
      return "signin-failed";
    case Error::provider_unavailable:
      return "provider-unavailable";
    case Error::identity_linked:
      return "identity-linked";
    case Error::link_needs_account:
      return "link-needs-account";
    case Error::redirect_refused:
      return "redirect-refused";
    case Error::signin_busy:
      return "signin-busy";
    case Error::cluster_unavailable:
      return "cluster-unavailable";
    case Error::proxies_only:
      return "web-only";
  }
  return "unknown-error";
}

std::string_view error_text(Error error) {
  switch (error) {
    case Error::unknown_command:
      return "Unrecognised command.";
    case Error::line_too_long:
      return "Line too long.";
    case Error::missing_argument:
      return "Missing argument; send HELP for usage.";
    case Error::username_required:
      return "Set a username first with USERNAME <name>.";
    case Error::username_empty:
      return "Username is empty.";
    case Error::username_has_spaces:
      return "Username contains empty spaces.";
    case Error::username_too_long:
      return "Username is too long.";
    case Error::username_invalid:
      return "Username may contain only letters, digits, '_' and '-', and must start with a "
             "letter or '_'.";
    case Error::username_taken:
      return "Username is already taken.";
    case Error::message_empty:
      return "Message is empty.";
    case Error::message_invalid_utf8:
      return "Message is not valid UTF-8.";
    case Error::message_control_characters:
      return "Message contains control characters.";
    case Error::message_too_many_lines:
      return "Message has too many lines (at most 100).";
    case Error::room_name_invalid:
      return "Room names are '#' followed by up to 50 letters, digits, '_' or '-'.";
    case Error::room_exists:
      return "Room already exists.";
    case Error::no_such_room:
      return "No such room.";
    case Error::no_such_user:
      return "No such user.";
    case Error::already_member:
      return "You are already in that room.";
    case Error::not_member:
      return "You are not in that room.";
    case Error::not_room_owner:
      return "Only the room's owner can do that.";
    case Error::room_limit:
      return "Too many rooms; destroy one first.";
    case Error::invalid_argument:
      return "Invalid argument; send HELP for usage.";
    case Error::password_invalid:
      return "Passwords are 8 to 128 characters without spaces or control characters.";
    case Error::login_failed:
      return "Wrong nickname or password.";
    case Error::login_throttled:
      return "Too many failed logins; wait a minute and try again.";
    case Error::already_logged_in:
      return "You are already logged in; LOGOUT first.";
    case Error::nickname_registered:
      return "That nickname is registered; log in with LOGIN <nick> <password>.";
    case Error::already_registered:
      return "You are already logged in to an account.";
    case Error::not_registered:
      return "Only registered users can do that; REGISTER <password> first.";
    case Error::token_invalid:
      return "Session expired or unknown; log in again.";
    case Error::no_such_message:
      return "No such message.";
    case Error::store_failed:
      return "The server could not save that; try again.";
    case Error::store_disabled:
      return "This server keeps no accounts or history.";
    case Error::login_timeout:
      return "You did not log in in time.";
    case Error::too_many_connections:
      return "Too many connections; try again later.";
    case Error::no_such_provider:
      return "No sign-in provider by that name; PROVIDERS lists them.";
    case Error::signin_expired:
      return "That sign-in is unknown, already used or expired; start it again.";
    case Error::signin_failed:
      return "The provider's answer did not verify; no session was opened.";
    case Error::provider_unavailable:
      return "The sign-in provider could not be reached; try again later.";
    case Error::identity_linked:
      return "That identity is linked to another account already.";
    case Error::link_needs_account:
      return "Log in to the account that asked for this link, then send it again.";
    case Error::redirect_refused:
      return "This server does not send sign-ins back to that address.";
    case Error::signin_busy:
      return "That identity is signing in on another connection; try again.";
    case Error::cluster_unavailable:
      return "The chat network cannot be reached just now; try again shortly.";
    case Error::proxies_only:
      return "This server takes browsers only, through its web proxy.";
  }
  return "Unknown error.";
}

}  // namespace chat::protocol
