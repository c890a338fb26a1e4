#include "protocol/server_line.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "protocol/text.hpp"

namespace chat::protocol {
namespace {

constexpr std::array<std::pair<Event::Kind, std::string_view>, 12> event_kind_names{{
    {Event::Kind::online, "ONLINE"},
    {Event::Kind::offline, "OFFLINE"},
    {Event::Kind::rename, "RENAME"},
    {Event::Kind::create, "CREATE"},
    {Event::Kind::destroy, "DESTROY"},
    {Event::Kind::join, "JOIN"},
    {Event::Kind::leave, "LEAVE"},
    {Event::Kind::read, "READ"},
    {Event::Kind::topic, "TOPIC"},
    {Event::Kind::kick, "KICK"},
    {Event::Kind::away, "AWAY"},
    {Event::Kind::typing, "TYPING"},
}};

// A message's text line by line, each line formatted, joined by "\n" (the caller ends the
// last): a multi-line message as consecutive lines, for clients that did not ask for RICH
// MULTILINE. A blank line of the message is one space, so that no line is left without text.
template <typename Format>
std::string each_line(std::string_view text, Format format) {
  std::string lines;
  for (;;) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    lines += format(line.empty() ? std::string_view(" ") : line);
    if (end == std::string_view::npos) return lines;
    lines += '\n';
    text.remove_prefix(end + 1);
  }
}

// A last word after the nickname; TOPIC's detail is the rest of the line instead.
bool has_detail(Event::Kind kind) {
  return kind == Event::Kind::rename || kind == Event::Kind::read || kind == Event::Kind::kick ||
         kind == Event::Kind::typing;
}

// Reads space-separated words off the front of a line; rest() is the trailing free text.
class Words {
 public:
  explicit Words(std::string_view line) : line_(line) {}

  std::optional<std::string> next() {
    if (line_.empty()) return std::nullopt;
    const auto space = line_.find(' ');
    std::string word(line_.substr(0, space));
    line_ = space == std::string_view::npos ? std::string_view{} : line_.substr(space + 1);
    if (word.empty()) return std::nullopt;
    return word;
  }
  std::string rest() const { return std::string(line_); }

 private:
  std::string_view line_;
};

std::optional<Event::Kind> parse_event_kind(std::string_view name) {
  for (const auto& [kind, candidate] : event_kind_names) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

std::optional<ChatMessage> parse_message(Words& words) {
  ChatMessage message;
  for (auto* field :
       {&message.id, &message.time, &message.target, &message.sender_id, &message.sender}) {
    auto word = words.next();
    if (!word) return std::nullopt;
    *field = std::move(*word);
  }
  message.text = words.rest();
  return message;
}

std::optional<ServerLine> parse_event(Words& words) {
  auto time = words.next();
  auto kind_name = words.next();
  if (!time || !kind_name) return std::nullopt;
  const auto kind = parse_event_kind(*kind_name);
  if (!kind) return std::nullopt;
  Event event{*kind, std::move(*time), {}, {}, {}, {}};
  for (auto* field : {&event.room, &event.user_id, &event.nickname}) {
    auto word = words.next();
    if (!word) return std::nullopt;
    *field = std::move(*word);
  }
  if (has_detail(event.kind)) {
    auto detail = words.next();
    if (!detail) return std::nullopt;
    event.detail = std::move(*detail);
  } else if (event.kind == Event::Kind::topic || event.kind == Event::Kind::away) {
    event.detail = words.rest();
  }
  return event;
}

}  // namespace

std::string_view event_kind_name(Event::Kind kind) {
  for (const auto& [candidate, name] : event_kind_names) {
    if (candidate == kind) return name;
  }
  return "?";
}

std::string format_plain_message(const ChatMessage& message) {
  return each_line(message.text, [&](std::string_view line) {
    if (message.target == "*") return fmt::format("RECEIVE {} {}", message.sender, line);
    return fmt::format("RECEIVE {} {} {}", message.target, message.sender, line);
  });
}

namespace {

// "<KIND> <id> <time> <target> <uid> <from> <text>", MESSAGE or HISTORY.
std::string format_message_line(std::string_view kind, const ChatMessage& message, bool multiline) {
  const auto line = [&](std::string_view text) {
    return fmt::format("{} {} {} {} {} {} {}", kind, message.id, message.time, message.target,
                       message.sender_id, message.sender, text);
  };
  if (multiline) return line(escape_line_breaks(message.text));
  return each_line(message.text, line);
}

}  // namespace

std::string format_rich_message(const ChatMessage& message, bool multiline) {
  return format_message_line("MESSAGE", message, multiline);
}

std::string format_history_message(const ChatMessage& message, bool multiline) {
  return format_message_line("HISTORY", message, multiline);
}

std::string format_rich_event(const Event& event) {
  auto line = fmt::format("EVENT {} {} {} {} {}", event.time, event_kind_name(event.kind),
                          event.room, event.user_id, event.nickname);
  if (has_detail(event.kind) || event.kind == Event::Kind::topic ||
      event.kind == Event::Kind::away) {
    fmt::format_to(std::back_inserter(line), " {}", event.detail);
  }
  return line;
}

std::string format_plain_error(Error error) { return fmt::format("ERROR {}", error_text(error)); }

std::string format_rich_error(std::optional<Verb> verb, Error error) {
  return fmt::format("ERROR {} {} {}", verb ? verb_name(*verb) : "*", error_code(error),
                     error_text(error));
}

std::string format_reply(Verb verb, const std::vector<std::string>& fields) {
  auto line = fmt::format("OK {}", verb_name(verb));
  for (const auto& field : fields) fmt::format_to(std::back_inserter(line), " {}", field);
  return line;
}

std::optional<ServerLine> parse_server_line(std::string_view line) {
  Words words(line);
  const auto kind = words.next();
  if (!kind) return std::nullopt;
  if (*kind == "MESSAGE") {
    if (auto message = parse_message(words)) return *message;
    return std::nullopt;
  }
  if (*kind == "HISTORY") {
    if (auto message = parse_message(words)) return HistoryMessage{std::move(*message)};
    return std::nullopt;
  }
  if (*kind == "EVENT") return parse_event(words);
  if (*kind == "OK") {
    auto verb = words.next();
    if (!verb) return std::nullopt;
    Reply reply{std::move(*verb), {}};
    if (reply.verb == "TOPIC") {
      // The room, then the topic as it is: free text, spaces and all.
      auto room = words.next();
      if (!room) return std::nullopt;
      reply.fields = {std::move(*room), words.rest()};
      return reply;
    }
    while (auto field = words.next()) reply.fields.push_back(std::move(*field));
    return reply;
  }
  if (*kind == "ERROR") {
    auto verb = words.next();
    auto code = words.next();
    if (!verb || !code) return std::nullopt;
    return ErrorReply{std::move(*verb), std::move(*code), words.rest()};
  }
  return std::nullopt;
}

}  // namespace chat::protocol
