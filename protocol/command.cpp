#include "protocol/command.hpp"

#include <array>
#include <utility>
#include <vector>

#include "protocol/credentials.hpp"
#include "protocol/decimal.hpp"
#include "protocol/names.hpp"
#include "protocol/text.hpp"

namespace chat::protocol {
namespace {

constexpr std::array<std::pair<Verb, std::string_view>, 31> verb_names{{
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
    {Verb::register_account, "REGISTER"},
    {Verb::login, "LOGIN"},
    {Verb::resume, "RESUME"},
    {Verb::password, "PASSWORD"},
    {Verb::history, "HISTORY"},
    {Verb::read, "READ"},
    {Verb::joined, "JOINED"},
    {Verb::conversations, "CONVERSATIONS"},
    {Verb::topic, "TOPIC"},
    {Verb::kick, "KICK"},
    {Verb::providers, "PROVIDERS"},
    {Verb::authorize, "AUTHORIZE"},
    {Verb::signin, "SIGNIN"},
    {Verb::typing, "TYPING"},
    {Verb::owner, "OWNER"},
    {Verb::nodes, "NODES"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && fold_case(a) == fold_case(b);
}

// The space-separated words of a command's arguments; an empty word (two spaces) is kept, so
// that it fails validation instead of shifting the words after it.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  if (text.empty()) return words;
  for (;;) {
    const auto space = text.find(' ');
    words.push_back(text.substr(0, space));
    if (space == std::string_view::npos) return words;
    text.remove_prefix(space + 1);
  }
}

// A message id (UUID) or server time (ISO 8601) as HISTORY and READ take them: one short word
// of printable ASCII. Whether it names a message is the server's to say.
bool is_anchor_chars(std::string_view word) {
  if (word.empty()) return false;
  for (const char c : word) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}
bool is_anchor(std::string_view word) { return word.size() <= 64 && is_anchor_chars(word); }

// A word of an OpenID Connect exchange (a redirect URI, a state, a code): printable ASCII
// without spaces, of a sane length. What it means is the server's to check.
bool is_url_word(std::string_view word) { return word.size() <= 2048 && is_anchor_chars(word); }

std::optional<Error> parse_history(const std::vector<std::string_view>& words, Command& command) {
  if (words.empty()) return Error::missing_argument;
  auto target = parse_target(words[0]);
  if (auto* error = std::get_if<Error>(&target)) return *error;
  command.target = std::move(std::get<Target>(target));
  std::size_t next = 1;
  if (next < words.size() &&
      (equals_ignoring_case(words[next], "BEFORE") || equals_ignoring_case(words[next], "AFTER"))) {
    command.range.kind = equals_ignoring_case(words[next], "BEFORE") ? HistoryRange::Kind::before
                                                                     : HistoryRange::Kind::after;
    if (++next >= words.size()) return Error::missing_argument;
    if (!is_anchor(words[next])) return Error::invalid_argument;
    command.range.anchor = words[next++];
  }
  if (next < words.size()) {
    const auto limit = parse_decimal<std::size_t>(words[next++], 1, HistoryRange::max_limit);
    if (!limit) return Error::invalid_argument;
    command.range.limit = *limit;
  }
  if (next != words.size()) return Error::invalid_argument;
  return std::nullopt;
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
    case Verb::register_account:
      line += ' ' + command.password;
      break;
    case Verb::login:
      line += ' ' + command.name + ' ' + command.password;
      break;
    case Verb::password:
      line += ' ' + command.password + ' ' + command.new_password;
      break;
    case Verb::history:
      line += ' ' + command.target.to_string();
      if (command.range.kind != HistoryRange::Kind::latest) {
        line += command.range.kind == HistoryRange::Kind::before ? " BEFORE " : " AFTER ";
        line += command.range.anchor;
      }
      line += ' ' + std::to_string(command.range.limit);
      break;
    case Verb::read:
      line += ' ' + command.target.to_string();
      if (!command.name.empty()) line += ' ' + command.name;
      break;
    case Verb::topic:
      line += ' ' + command.name;
      if (command.topic) line += ' ' + *command.topic;
      break;
    case Verb::kick:
      line += ' ' + command.name + ' ' + command.target.name;
      break;
    case Verb::authorize:
    case Verb::signin:
      line += ' ' + command.name + ' ' + command.text;
      break;
    case Verb::typing:
      line += ' ' + command.target.to_string() + ' ' + command.name;
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

  Command command{*verb, {}, {}, {}, {}, {}, {}, {}};
  const auto words = split_words(rest);
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
    case Verb::members:
    case Verb::owner: {
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
    case Verb::register_account:
      if (words.size() != 1)
        return fail(rest.empty() ? Error::missing_argument : Error::password_invalid);
      if (const auto error = check_password(words[0])) return fail(*error);
      command.password = words[0];
      break;
    case Verb::login:
      if (words.size() < 2) return fail(Error::missing_argument);
      if (const auto error = check_nickname(words[0])) return fail(*error);
      if (words.size() != 2) return fail(Error::password_invalid);
      if (const auto error = check_password(words[1])) return fail(*error);
      command.name = words[0];
      command.password = words[1];
      break;
    case Verb::resume:
      if (rest.empty()) return fail(Error::missing_argument);
      if (!is_session_token(rest)) return fail(Error::token_invalid);
      command.name = rest;
      break;
    case Verb::password:
      if (words.size() < 2) return fail(Error::missing_argument);
      if (words.size() != 2) return fail(Error::password_invalid);
      for (const auto word : words) {
        if (const auto error = check_password(word)) return fail(*error);
      }
      command.password = words[0];
      command.new_password = words[1];
      break;
    case Verb::history:
      if (const auto error = parse_history(words, command)) return fail(*error);
      break;
    case Verb::read: {
      if (words.empty()) return fail(Error::missing_argument);
      if (words.size() > 2) return fail(Error::invalid_argument);
      auto target = parse_target(words[0]);
      if (auto* error = std::get_if<Error>(&target)) return fail(*error);
      command.target = std::move(std::get<Target>(target));
      if (words.size() == 2) {
        if (!is_anchor(words[1])) return fail(Error::invalid_argument);
        command.name = words[1];
      }
      break;
    }
    case Verb::topic: {
      // "TOPIC #room" asks; "TOPIC #room text" sets; "TOPIC #room " (nothing after) clears.
      const auto gap = rest.find(' ');
      auto room = parse_room_name(rest.substr(0, gap));
      if (auto* error = std::get_if<Error>(&room)) return fail(*error);
      command.name = std::move(std::get<std::string>(room));
      if (gap != std::string_view::npos) {
        const auto text = rest.substr(gap + 1);
        if (text.size() > max_topic_length) return fail(Error::invalid_argument);
        if (!text.empty()) {
          if (const auto error = check_message_text(text)) return fail(*error);
        }
        command.topic = std::string(text);
      }
      break;
    }
    case Verb::kick: {
      if (words.size() < 2) return fail(Error::missing_argument);
      if (words.size() > 2) return fail(Error::invalid_argument);
      auto room = parse_room_name(words[0]);
      if (auto* error = std::get_if<Error>(&room)) return fail(*error);
      if (check_nickname(words[1])) return fail(Error::no_such_user);
      command.name = std::move(std::get<std::string>(room));
      command.target = {Target::Kind::user, std::string(words[1])};
      break;
    }
    case Verb::authorize:
      // AUTHORIZE <provider> <redirect URI>
      if (words.size() < 2) return fail(Error::missing_argument);
      if (words.size() > 2 || !is_provider_name(words[0]) || !is_url_word(words[1]))
        return fail(Error::invalid_argument);
      command.name = words[0];
      command.text = words[1];
      break;
    case Verb::signin:
      // SIGNIN <state> <code>, as the provider's redirect carried them
      if (words.size() < 2) return fail(Error::missing_argument);
      if (words.size() > 2 || !is_url_word(words[0]) || !is_url_word(words[1]))
        return fail(Error::invalid_argument);
      command.name = words[0];
      command.text = words[1];
      break;
    case Verb::rich:
      // RICH, or RICH MULTILINE: messages keep their line breaks, escaped (docs/protocol.md).
      if (!rest.empty() && !equals_ignoring_case(rest, "MULTILINE"))
        return fail(Error::invalid_argument);
      command.name = rest.empty() ? "" : "MULTILINE";
      break;
    case Verb::typing: {
      // TYPING <#room|@nick> active|paused|done (IRCv3's +typing values)
      if (words.size() < 2) return fail(Error::missing_argument);
      if (words.size() > 2) return fail(Error::invalid_argument);
      auto target = parse_target(words[0]);
      if (auto* error = std::get_if<Error>(&target)) return fail(*error);
      if (std::get<Target>(target).kind == Target::Kind::everyone)
        return fail(Error::invalid_argument);
      if (words[1] != "active" && words[1] != "paused" && words[1] != "done")
        return fail(Error::invalid_argument);
      command.target = std::move(std::get<Target>(target));
      command.name = words[1];
      break;
    }
    case Verb::rooms:
    case Verb::users:
    case Verb::providers:
    case Verb::nodes:
    case Verb::logout:
    case Verb::quit:
    case Verb::help:
    case Verb::joined:
    case Verb::conversations:
      if (!rest.empty()) return fail(Error::invalid_argument);
      break;
  }
  return command;
}

}  // namespace chat::protocol
