#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/error.hpp"

namespace chat::protocol {

enum class Verb {
  username,
  send,
  msg,
  create,
  destroy,
  join,
  leave,
  rooms,
  users,
  members,
  logout,
  quit,
  rich,
  ping,
  help,
  register_account,
  login,
  resume,
  password,
  history,
  read,
  joined,
  conversations,
  topic,
  kick,
  providers,
  authorize,
  signin,
  typing,
  owner,
  nodes,
};

// "USERNAME", "SEND", ...
std::string_view verb_name(Verb verb);
// Verbs are matched case-insensitively, so telnet users may type "join #main".
std::optional<Verb> parse_verb(std::string_view word);

// Where a message goes: "*" everyone, "#room", or "@nick" (a bare "nick" means the same).
struct Target {
  enum class Kind { everyone, room, user };
  Kind kind = Kind::everyone;
  std::string name;  // "#room" or "nick"; empty for everyone

  // The canonical spelling: "*", "#room" or "@nick".
  std::string to_string() const;
};
std::variant<Target, Error> parse_target(std::string_view word);

// Which page of a conversation HISTORY asks for: the latest messages, or those just before or
// just after an anchor (a message id or a server time).
struct HistoryRange {
  enum class Kind { latest, before, after };
  static constexpr std::size_t default_limit = 50;
  static constexpr std::size_t max_limit = 500;
  Kind kind = Kind::latest;
  std::string anchor;
  std::size_t limit = default_limit;
};

// A client command with its arguments already validated.
struct Command {
  Verb verb;
  // USERNAME's and LOGIN's nickname, a room for CREATE/DESTROY/JOIN/LEAVE/MEMBERS/TOPIC/KICK,
  // PING's token, RESUME's session token, READ's message id (empty: the query form),
  // AUTHORIZE's provider, SIGNIN's state, RICH's option ("MULTILINE" or empty), TYPING's state.
  std::string name;
  Target target;             // SEND (everyone), MSG, HISTORY, READ, TYPING; KICK's user
  std::string text;          // SEND and MSG; AUTHORIZE's redirect URI, SIGNIN's code
  std::string password;      // REGISTER, LOGIN; PASSWORD's current one
  std::string new_password;  // PASSWORD
  HistoryRange range;        // HISTORY
  // TOPIC's new topic (empty: none); unset for the query form.
  std::optional<std::string> topic = std::nullopt;
};

struct CommandError {
  std::optional<Verb> verb;  // unset when the verb itself was not recognised
  Error error;
};

// Parses one line (without its terminator). Blank lines are the caller's to skip.
std::variant<Command, CommandError> parse_command(std::string_view line);

// The command line for a command, without the newline: the inverse of parse_command.
std::string format_command(const Command& command);

// A room as commands accept it, "#main" or seed 004's "main"; yields the '#' spelling.
std::variant<std::string, Error> parse_room_name(std::string_view word);

}  // namespace chat::protocol
