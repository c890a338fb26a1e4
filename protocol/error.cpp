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
      return "Only the room's creator can destroy it while online.";
    case Error::room_limit:
      return "Too many rooms; destroy one first.";
    case Error::invalid_argument:
      return "Invalid argument; send HELP for usage.";
  }
  return "Unknown error.";
}

}  // namespace chat::protocol
