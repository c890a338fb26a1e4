#include "cli/command_line.hpp"

#include <fmt/format.h>

#include <array>
#include <functional>
#include <optional>
#include <utility>

#include "protocol/credentials.hpp"
#include "protocol/decimal.hpp"
#include "protocol/names.hpp"
#include "protocol/text.hpp"

namespace chat::cli {
namespace {

using protocol::Command;
using protocol::Target;
using protocol::Verb;

// The words of a command's arguments; the last argument of /msg keeps its spaces.
class Arguments {
 public:
  explicit Arguments(std::string_view text) : rest_(text) {}

  std::string_view word() {
    skip_spaces();
    const auto end = rest_.find(' ');
    const auto word = rest_.substr(0, end);
    rest_.remove_prefix(word.size());
    return word;
  }
  std::string_view text() {
    skip_spaces();
    return std::exchange(rest_, {});
  }
  bool done() {
    skip_spaces();
    return rest_.empty();
  }

 private:
  void skip_spaces() {
    while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
  }
  std::string_view rest_;
};

struct Spec;
using Parser = Input (*)(const Spec&, Arguments&, const Target&);

struct Spec {
  std::string_view name;
  std::string_view arguments;
  std::string_view summary;
  Parser parse;
};

std::string usage_of(const Spec& spec) {
  return spec.arguments.empty() ? fmt::format("/{}", spec.name)
                                : fmt::format("/{} {}", spec.name, spec.arguments);
}

InputError usage_error(const Spec& spec) { return {fmt::format("usage: {}", usage_of(spec))}; }

Command make_command(Verb verb, std::string name = {}) {
  return Command{verb, std::move(name), {}, {}, {}, {}, {}};
}

Requests one(Command command) { return Requests{{std::move(command)}}; }

// chatd would refuse it anyway; refused here, a control character never reaches the socket.
// Line breaks (a message continued over several lines) travel escaped (RICH MULTILINE).
Input message(Target target, std::string_view text) {
  if (const auto error = protocol::check_multiline_text(text)) {
    return InputError{fmt::format("not sent: {}", protocol::error_text(*error))};
  }
  return one(Command{Verb::msg, {}, std::move(target), std::string(text), {}, {}, {}});
}

std::variant<std::string, InputError> room_argument(std::string_view word) {
  auto room = protocol::parse_room_name(word);
  if (const auto* error = std::get_if<protocol::Error>(&room)) {
    return InputError{fmt::format("{}: {}", word, protocol::error_text(*error))};
  }
  return std::move(std::get<std::string>(room));
}

// The room named, or the current conversation's when none is and it is a room.
std::variant<std::string, InputError> room_or_current(const Spec& spec, Arguments& arguments,
                                                      const Target& conversation) {
  const auto word = arguments.word();
  if (!arguments.done()) return usage_error(spec);
  if (!word.empty()) return room_argument(word);
  if (conversation.kind == Target::Kind::room) return conversation.name;
  return InputError{fmt::format("usage: {} (you are not talking in a room)", usage_of(spec))};
}

std::variant<Target, InputError> target_argument(std::string_view word) {
  auto target = protocol::parse_target(word);
  if (auto* parsed = std::get_if<Target>(&target)) return std::move(*parsed);
  if (std::get<protocol::Error>(target) == protocol::Error::room_name_invalid) {
    return InputError{
        fmt::format("{}: {}", word, protocol::error_text(protocol::Error::room_name_invalid))};
  }
  return InputError{fmt::format("{}: not a nickname, #room or * (everyone)", word)};
}

Input parse_join(const Spec& spec, Arguments& arguments, const Target&) {
  const auto room_word = arguments.word();
  const auto nickname = arguments.word();
  if (room_word.empty() || !arguments.done()) return usage_error(spec);
  auto room = room_argument(room_word);
  if (auto* error = std::get_if<InputError>(&room)) return std::move(*error);
  Requests requests;
  if (!nickname.empty()) {
    if (const auto error = protocol::check_nickname(nickname)) {
      return InputError{fmt::format("{}: {}", nickname, protocol::error_text(*error))};
    }
    requests.commands.push_back(make_command(Verb::username, std::string(nickname)));
  }
  requests.commands.push_back(make_command(Verb::join, std::move(std::get<std::string>(room))));
  return requests;
}

template <Verb verb>
Input parse_room_or_current(const Spec& spec, Arguments& arguments, const Target& conversation) {
  auto room = room_or_current(spec, arguments, conversation);
  if (auto* error = std::get_if<InputError>(&room)) return std::move(*error);
  return one(make_command(verb, std::move(std::get<std::string>(room))));
}

template <Verb verb>
Input parse_room(const Spec& spec, Arguments& arguments, const Target&) {
  const auto word = arguments.word();
  if (word.empty() || !arguments.done()) return usage_error(spec);
  auto room = room_argument(word);
  if (auto* error = std::get_if<InputError>(&room)) return std::move(*error);
  return one(make_command(verb, std::move(std::get<std::string>(room))));
}

template <Verb verb>
Input parse_no_arguments(const Spec& spec, Arguments& arguments, const Target&) {
  if (!arguments.done()) return usage_error(spec);
  return one(make_command(verb));
}

Input parse_msg(const Spec& spec, Arguments& arguments, const Target&) {
  const auto word = arguments.word();
  const auto text = arguments.text();
  if (word.empty() || text.empty()) return usage_error(spec);
  auto target = target_argument(word);
  if (auto* error = std::get_if<InputError>(&target)) return std::move(*error);
  return message(std::move(std::get<Target>(target)), text);
}

Input parse_to(const Spec& spec, Arguments& arguments, const Target&) {
  const auto word = arguments.word();
  if (word.empty() || !arguments.done()) return usage_error(spec);
  auto target = target_argument(word);
  if (auto* error = std::get_if<InputError>(&target)) return std::move(*error);
  return SwitchConversation{std::move(std::get<Target>(target))};
}

Input parse_nick(const Spec& spec, Arguments& arguments, const Target&) {
  const auto nickname = arguments.word();
  if (nickname.empty() || !arguments.done()) return usage_error(spec);
  if (const auto error = protocol::check_nickname(nickname)) {
    return InputError{fmt::format("{}: {}", nickname, protocol::error_text(*error))};
  }
  return one(make_command(Verb::username, std::string(nickname)));
}

Input parse_register(const Spec& spec, Arguments& arguments, const Target&) {
  const auto password = arguments.word();
  if (password.empty() || !arguments.done()) return usage_error(spec);
  if (const auto error = protocol::check_password(password)) {
    return InputError{std::string(protocol::error_text(*error))};
  }
  auto command = make_command(Verb::register_account);
  command.password = password;
  return one(std::move(command));
}

Input parse_login(const Spec& spec, Arguments& arguments, const Target&) {
  const auto nickname = arguments.word();
  const auto password = arguments.word();
  if (password.empty() || !arguments.done()) return usage_error(spec);
  if (const auto error = protocol::check_nickname(nickname)) {
    return InputError{fmt::format("{}: {}", nickname, protocol::error_text(*error))};
  }
  if (const auto error = protocol::check_password(password)) {
    return InputError{std::string(protocol::error_text(*error))};
  }
  auto command = make_command(Verb::login, std::string(nickname));
  command.password = password;
  return one(std::move(command));
}

Input parse_history(const Spec& spec, Arguments& arguments, const Target& conversation) {
  const auto count = arguments.word();
  if (!arguments.done()) return usage_error(spec);
  auto command = make_command(Verb::history);
  command.target = conversation;
  if (!count.empty()) {
    const auto limit =
        protocol::parse_decimal<std::size_t>(count, 1, protocol::HistoryRange::max_limit);
    if (!limit) {
      return InputError{fmt::format("usage: {} (n from 1 to {})", usage_of(spec),
                                    protocol::HistoryRange::max_limit)};
    }
    command.range.limit = *limit;
  } else {
    command.range.limit = 20;
  }
  return one(std::move(command));
}

// "/topic" asks the current room's topic; "/topic text" sets it.
Input parse_topic(const Spec& spec, Arguments& arguments, const Target& conversation) {
  if (conversation.kind != Target::Kind::room) {
    return InputError{fmt::format("usage: {} (you are not talking in a room)", usage_of(spec))};
  }
  const auto text = arguments.text();
  auto command = make_command(Verb::topic, conversation.name);
  if (!text.empty()) {
    if (const auto error = protocol::check_message_text(text)) {
      return InputError{std::string(protocol::error_text(*error))};
    }
    command.topic = std::string(text);
  }
  return one(std::move(command));
}

Input parse_kick(const Spec& spec, Arguments& arguments, const Target& conversation) {
  const auto nickname = arguments.word();
  if (nickname.empty() || !arguments.done()) return usage_error(spec);
  if (conversation.kind != Target::Kind::room) {
    return InputError{fmt::format("usage: {} (you are not talking in a room)", usage_of(spec))};
  }
  auto command = make_command(Verb::kick, conversation.name);
  command.target = {Target::Kind::user, std::string(nickname)};
  return one(std::move(command));
}

// "/me waves": an action in the current conversation (protocol::action_prefix).
Input parse_me(const Spec& spec, Arguments& arguments, const Target& conversation) {
  const auto text = arguments.text();
  if (text.empty()) return usage_error(spec);
  return message(conversation, std::string(protocol::action_prefix) + std::string(text));
}

Input parse_help(const Spec&, Arguments&, const Target&) { return ShowHelp{}; }

constexpr std::array<Spec, 19> specs{{
    {"join", "<#room> [nick]", "join a room (made if new) and talk there; log in as nick first",
     parse_join},
    {"leave", "[#room]", "leave a room (default: the current one)",
     parse_room_or_current<Verb::leave>},
    {"create", "<#room>", "create a room without joining it", parse_room<Verb::create>},
    {"destroy", "<#room>", "delete a room (its owner; a guest's room, anyone once the guest left)",
     parse_room<Verb::destroy>},
    {"topic", "[text]", "show the current room's topic, or set it (its owner)", parse_topic},
    {"kick", "<nick>", "remove someone from the current room (its owner)", parse_kick},
    {"msg", "<nick|#room|*> <text>", "send one message there without switching", parse_msg},
    {"me", "<text>", "say what you do (/me waves: * you waves)", parse_me},
    {"to", "<nick|#room|*>", "talk there from now on (* is everyone)", parse_to},
    {"rooms", "", "list the rooms", parse_no_arguments<Verb::rooms>},
    {"users", "", "list who is online", parse_no_arguments<Verb::users>},
    {"members", "[#room]", "list a room's members (default: the current one)",
     parse_room_or_current<Verb::members>},
    {"nick", "<name>", "change your nickname, or log in again after /logout", parse_nick},
    {"register", "<password>", "make your nickname an account (8+ characters, no spaces)",
     parse_register},
    {"login", "<nick> <password>",
     "log in to your account (after /logout, or instead of a nickname)", parse_login},
    {"history", "[n]", "show the last n messages here (default 20)", parse_history},
    {"logout", "", "log out and stay connected", parse_no_arguments<Verb::logout>},
    {"quit", "", "log out and leave (Ctrl-D does the same)", parse_no_arguments<Verb::quit>},
    {"help", "", "show this help", parse_help},
}};

std::optional<std::reference_wrapper<const Spec>> find_spec(std::string_view name) {
  const auto folded = protocol::fold_case(name);
  for (const auto& spec : specs) {
    if (spec.name == folded) return std::cref(spec);
  }
  return std::nullopt;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

Input parse_input(std::string_view line, const Target& conversation) {
  if (is_blank(line)) return Blank{};
  if (line.front() != '/' || line.starts_with("//")) {
    if (line.front() == '/') line.remove_prefix(1);
    return message(conversation, line);
  }
  Arguments arguments(line.substr(1));
  const auto name = arguments.word();
  const auto spec = find_spec(name);
  if (!spec) return InputError{fmt::format("unknown command /{}; /help lists them", name)};
  return spec->get().parse(spec->get(), arguments, conversation);
}

std::string conversation_name(const Target& target) {
  return target.kind == Target::Kind::everyone ? "everyone" : target.to_string();
}

std::vector<std::string> help_lines() {
  std::vector<std::string> lines;
  lines.reserve(specs.size() + 3);
  lines.emplace_back("Commands (any other line is a message to the current conversation):");
  for (const auto& spec : specs) {
    lines.push_back(fmt::format("  {:<28} {}", usage_of(spec), spec.summary));
  }
  lines.push_back(fmt::format("  {:<28} {}", "//text", "send a message that starts with '/'"));
  lines.push_back(
      fmt::format("  {:<28} {}", "text\\", "go on on the next line: one message of several"));
  lines.push_back(fmt::format("  {:<28} {}", "text\\\\", "end with a backslash"));
  return lines;
}

std::vector<std::string> command_words() {
  std::vector<std::string> words;
  for (const auto& spec : specs) words.push_back(fmt::format("/{}", spec.name));
  return words;
}

}  // namespace chat::cli
