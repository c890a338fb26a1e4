#include "protocol/command.hpp"

#include <array>
#include <utility>

#include "protocol/names.hpp"
#include "protocol/text.hpp"

namespace chat::protocol {
namespace {

constexpr std::array<std::pair<Verb, std::string_view>, 15> verb_names{{
    {Verb::username, "USERNAME"},
    {Verb::send, "SEND"},
    {Verb::msg, "MSG"},
    {Verb::create, "CREATE"},
    {Verb::destroy, "DESTROY"},
    {Verb::join, "JOIN"},
    {Verb::leave, "LEAVE"},
    {Verb::rooms, "ROOMS"},
    {Verb::users, "USERS"},
    {Verb::members, "MEMBERS"},
    {Verb::logout, "LOGOUT"},
    {Verb::quit, "QUIT"},
    {Verb::rich, "RICH"},
    {Verb::ping, "PING"},
    {Verb::help, "HELP"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && fold_case(a) == fold_case(b);
}

}  // namespace

std::variant<std::string, Error> parse_room_name(std::string_view word) {
  if (word.empty()) return Error::missing_argument;
  std::string room = word.front() == '#' ? std::string(word) : "#" + std::string(word);
  if (const auto error = check_room_name(room)) return *error;
  return room;
}

std::string format_command(const Command& command) {
  std::string line(verb_name(command.verb));
  switch (command.verb) {
    case Verb::msg:
      line += ' ' + command.target.to_string() + ' ' + command.text;
      break;
    case Verb::send:
      line += ' ' + command.text;
      break;
    default:
      if (!command.name.empty()) line += ' ' + command.name;
  }
  return line;
}

std::string_view verb_name(Verb verb) {
  for (const auto& [candidate, name] : verb_names) {
    if (candidate == verb) return name;
  }
  return "?";
}

std::optional<Verb> parse_verb(std::string_view word) {
  for (const auto& [verb, name] : verb_names) {
    if (equals_ignoring_case(word, name)) return verb;
  }
  return std::nullopt;
}

std::string Target::to_string() const {
  switch (kind) {
    case Kind::everyone:
      return "*";
    case Kind::room:
      return name;
    case Kind::user:
      return "@" + name;
  }
  return "*";
}

std::variant<Target, Error> parse_target(std::string_view word) {
  if (word.empty()) return Error::missing_argument;
  if (word == "*") return Target{Target::Kind::everyone, {}};
  if (word.front() == '#') {
    if (const auto error = check_room_name(word)) return *error;
    return Target{Target::Kind::room, std::string(word)};
  }
  if (word.front() == '@') word.remove_prefix(1);
  if (const auto error = check_nickname(word)) return Error::no_such_user;
  return Target{Target::Kind::user, std::string(word)};
}

std::variant<Command, CommandError> parse_command(std::string_view line) {
  const auto space = line.find(' ');
  const auto word = line.substr(0, space);
  const auto rest = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);

  const auto verb = parse_verb(word);
  if (!verb) return CommandError{std::nullopt, Error::unknown_command};
  const auto fail = [&](Error error) { return CommandError{verb, error}; };

  Command command{*verb, {}, {}, {}};
  switch (*verb) {
    case Verb::username:
      if (const auto error = check_nickname(rest)) return fail(*error);
      command.name = rest;
      break;
    case Verb::send:
      if (const auto error = check_message_text(rest)) return fail(*error);
      command.text = rest;
      break;
    case Verb::msg: {
      const auto gap = rest.find(' ');
      if (rest.empty()) return fail(Error::missing_argument);
      auto target = parse_target(rest.substr(0, gap));
      if (auto* error = std::get_if<Error>(&target)) return fail(*error);
      const auto text = gap == std::string_view::npos ? std::string_view{} : rest.substr(gap + 1);
      if (const auto error = check_message_text(text)) return fail(*error);
      command.target = std::move(std::get<Target>(target));
      command.text = text;
      break;
    }
    case Verb::create:
    case Verb::destroy:
    case Verb::join:
    case Verb::leave:
    case Verb::members: {
      auto room = parse_room_name(rest);
      if (auto* error = std::get_if<Error>(&room)) return fail(*error);
      command.name = std::move(std::get<std::string>(room));
      break;
    }
    case Verb::ping:
      if (!rest.empty() && (rest.find(' ') != std::string_view::npos || check_message_text(rest))) {
        return fail(Error::invalid_argument);
      }
      command.name = rest;
      break;
    case Verb::rooms:
    case Verb::users:
    case Verb::logout:
    case Verb::quit:
    case Verb::rich:
    case Verb::help:
      if (!rest.empty()) return fail(Error::invalid_argument);
      break;
  }
  return command;
}

}  // namespace chat::protocol
