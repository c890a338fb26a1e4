#include "protocol/json_mapping.hpp"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "protocol/command.hpp"
#include "protocol/decimal.hpp"
#include "protocol/names.hpp"
#include "protocol/server_line.hpp"
#include "protocol/text.hpp"

namespace chat::protocol {
namespace {

// Insertion-ordered, so frames keep the key order seed 003 writes them in.
using Json = nlohmann::ordered_json;

constexpr std::string_view room_actions[] = {"create", "destroy", "join",
                                             "leave",  "members", "owner"};
constexpr std::string_view plain_actions[] = {"rooms", "users", "logout", "joined",
                                              "conversations"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view value) {
  for (const auto item : list) {
    if (item == value) return true;
  }
  return false;
}

std::optional<std::string> string_field(const Json& frame, const char* key) {
  const auto it = frame.find(key);
  if (it == frame.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// A newline inside a field would smuggle a second command to chatd.
bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}
bool is_one_word(std::string_view text) {
  return !text.empty() && text.find_first_of(" \t\r\n") == std::string_view::npos;
}

FrameError missing(std::string_view key) {
  return {"invalid-frame", "Field \"" + std::string(key) + "\" must be a string."};
}

std::variant<std::string, FrameError> command_line(const Json& frame) {
  const auto action = string_field(frame, "action");
  if (!action) return missing("action");
  const bool takes_room = contains(room_actions, *action);
  if (!takes_room && !contains(plain_actions, *action)) {
    return FrameError{"unknown-action", "Unknown command action \"" + *action + "\"."};
  }
  const std::string verb(verb_name(*parse_verb(*action)));
  if (!takes_room) return verb;
  const auto target = string_field(frame, "target");
  if (!target) return missing("target");
  if (has_line_break(*target)) return FrameError{"invalid-frame", "Target contains a line break."};
  return verb + " " + *target;
}

std::variant<std::string, FrameError> message_line(const Json& frame) {
  const auto target = frame.contains("target") ? string_field(frame, "target") : std::string("*");
  if (!target) return missing("target");
  if (!is_one_word(*target))
    return FrameError{"invalid-target", "Target must be \"*\", \"#room\" or \"@user\"."};
  const auto message = string_field(frame, "message");
  if (!message) return missing("message");
  // Line breaks (LF) are the message's own: wsproxy speaks RICH MULTILINE, so they travel
  // escaped and chatd keeps them. A CR is no line break of a message.
  if (message->find('\r') != std::string::npos)
    return FrameError{"invalid-frame", "Message contains a carriage return."};
  return "MSG " + *target + " " + escape_line_breaks(*message);
}

// Fields of a frame that become words of a command line: strings without spaces or breaks.
std::variant<std::string, FrameError> word_fields(const Json& frame,
                                                  std::initializer_list<const char*> keys) {
  std::string words;
  for (const auto* key : keys) {
    const auto value = string_field(frame, key);
    if (!value) return missing(key);
    if (!is_one_word(*value))
      return FrameError{"invalid-frame", "Field \"" + std::string(key) + "\" must be one word."};
    words += ' ' + *value;
  }
  return words;
}

std::variant<std::string, FrameError> with_words(std::string verb, const Json& frame,
                                                 std::initializer_list<const char*> keys) {
  auto words = word_fields(frame, keys);
  if (const auto* error = std::get_if<FrameError>(&words)) return *error;
  return verb + std::get<std::string>(words);
}

// {"type":"history","target":"#main"[,"before"|"after":"<id or time>"][,"limit":50]}
std::variant<std::string, FrameError> history_line(const Json& frame) {
  auto line = with_words("HISTORY", frame, {"target"});
  if (std::holds_alternative<FrameError>(line)) return line;
  auto& text = std::get<std::string>(line);
  for (const auto* key : {"before", "after"}) {
    if (!frame.contains(key)) continue;
    auto anchor = word_fields(frame, {key});
    if (const auto* error = std::get_if<FrameError>(&anchor)) return *error;
    text +=
        (key == std::string_view("before") ? " BEFORE" : " AFTER") + std::get<std::string>(anchor);
    break;
  }
  if (const auto limit = frame.find("limit"); limit != frame.end()) {
    if (!limit->is_number_unsigned())
      return FrameError{"invalid-frame", "Field \"limit\" must be a positive number."};
    text += ' ' + std::to_string(limit->get<std::uint64_t>());
  }
  return line;
}

std::string json_command_name(std::string_view verb) {
  if (verb == "USERNAME") return "login";
  if (verb == "MSG" || verb == "SEND") return "message";
  return fold_case(verb);
}

std::optional<Json> reply_frame(const Reply& reply) {
  // TYPING's acknowledgement is no news to a browser that sends one every few seconds.
  if (reply.verb == "RICH" || reply.verb == "HELP" || reply.verb == "TYPING") return std::nullopt;
  Json frame{{"type", "reply"}, {"command", json_command_name(reply.verb)}};
  const auto& fields = reply.fields;
  const auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : std::string(); };
  if (reply.verb == "USERNAME") {
    frame["nickname"] = field(0);
    frame["identifier"] = field(1);
  } else if (reply.verb == "MSG" || reply.verb == "SEND") {
    frame["id"] = field(0);
    frame["time"] = field(1);
  } else if (reply.verb == "ROOMS" || reply.verb == "USERS") {
    frame[fold_case(reply.verb)] = fields;
  } else if (reply.verb == "LOGIN") {
    frame["nickname"] = field(0);
    frame["identifier"] = field(1);
    frame["token"] = field(2);
  } else if (reply.verb == "REGISTER") {
    frame["nickname"] = field(0);
    frame["identifier"] = field(1);
  } else if (reply.verb == "OWNER") {
    frame["target"] = field(0);
    frame["owner"] = field(1) == "-" ? Json() : Json(field(1));
  } else if (reply.verb == "PROVIDERS") {
    frame["providers"] = fields;
  } else if (reply.verb == "NODES") {
    // Each field is "name,address,kind,users,uptime-seconds".
    auto nodes = Json::array();
    for (const auto& node : fields) {
      std::vector<std::string> parts;
      for (std::size_t start = 0;;) {
        const auto comma = node.find(',', start);
        parts.push_back(node.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (parts.size() != 5) continue;
      Json entry;
      entry["name"] = parts[0];
      entry["address"] = parts[1];
      entry["kind"] = parts[2];
      entry["users"] = std::strtoull(parts[3].c_str(), nullptr, 10);
      entry["uptime"] = std::strtoull(parts[4].c_str(), nullptr, 10);
      nodes.push_back(std::move(entry));
    }
    frame["nodes"] = std::move(nodes);
  } else if (reply.verb == "AUTHORIZE") {
    frame["provider"] = field(0);
    frame["url"] = field(1);
  } else if (reply.verb == "SIGNIN") {
    frame["provider"] = field(0);
  } else if (reply.verb == "JOINED") {
    frame["rooms"] = fields;
  } else if (reply.verb == "CONVERSATIONS") {
    frame["conversations"] = fields;
  } else if (reply.verb == "HISTORY") {
    frame["target"] = field(0);
    frame["count"] = parse_decimal<std::size_t>(field(1), 0, 1 << 30).value_or(0);
    frame["more"] = field(2) == "more";
  } else if (reply.verb == "READ") {
    frame["target"] = field(0);
    frame["id"] = field(1) == "-" ? Json() : Json(field(1));
  } else if (reply.verb == "TOPIC") {
    frame["target"] = field(0);
    frame["topic"] = field(1);
  } else if (reply.verb == "KICK") {
    frame["target"] = field(0);
    frame["nickname"] = field(1);
  } else if (reply.verb == "MEMBERS") {
    frame["target"] = field(0);
    frame["members"] = Json::array();
    for (std::size_t i = 1; i < fields.size(); ++i) frame["members"].push_back(fields[i]);
  } else if (!fields.empty()) {
    frame["target"] = fields.front();
  }
  return frame;
}

// The line's text has its line breaks escaped (RICH MULTILINE): the frame has them back.
Json message_frame(std::string_view type, const ChatMessage& message) {
  return Json{{"type", type},
              {"emitter", "participant"},
              {"target", message.target},
              {"identifier", message.sender_id},
              {"message", unescape_line_breaks(message.text)},
              {"nickname", message.sender},
              {"id", message.id},
              {"time", message.time}};
}

Json event_frame(const Event& event) {
  switch (event.kind) {
    case Event::Kind::join:
    case Event::Kind::leave:
      return Json{{"type", "event"},
                  {"emitter", "participant"},
                  {"identifier", event.user_id},
                  {"event", event.kind == Event::Kind::join ? "join" : "left"},
                  {"target", event.room},
                  {"nickname", event.nickname},
                  {"time", event.time}};
    case Event::Kind::create:
    case Event::Kind::destroy:
      return Json{{"type", "event"},
                  {"emitter", "channel"},
                  {"identifier", event.room},
                  {"event", event.kind == Event::Kind::create ? "create" : "destroy"},
                  {"nickname", event.nickname},
                  {"time", event.time}};
    case Event::Kind::read:
      return Json{{"type", "event"},    {"emitter", "user"},    {"identifier", event.user_id},
                  {"event", "read"},    {"target", event.room}, {"nickname", event.nickname},
                  {"id", event.detail}, {"time", event.time}};
    case Event::Kind::topic:
      return Json{{"type", "event"},   {"emitter", "channel"},       {"identifier", event.room},
                  {"event", "topic"},  {"nickname", event.nickname}, {"topic", event.detail},
                  {"time", event.time}};
    case Event::Kind::kick:
      return Json{{"type", "event"},    {"emitter", "participant"}, {"identifier", event.user_id},
                  {"event", "kick"},    {"target", event.room},     {"nickname", event.nickname},
                  {"by", event.detail}, {"time", event.time}};
    case Event::Kind::typing:
      return Json{{"type", "event"},       {"emitter", "user"},    {"identifier", event.user_id},
                  {"event", "typing"},     {"target", event.room}, {"nickname", event.nickname},
                  {"state", event.detail}, {"time", event.time}};
    case Event::Kind::online:
    case Event::Kind::offline:
    case Event::Kind::rename:
    case Event::Kind::away:
      break;
  }
  Json frame{{"type", "event"},
             {"emitter", "user"},
             {"identifier", event.user_id},
             {"event", fold_case(event_kind_name(event.kind))},
             {"nickname", event.nickname}};
  if (event.kind == Event::Kind::rename) frame["previous"] = event.detail;
  if (event.kind == Event::Kind::away) frame["message"] = event.detail;
  frame["time"] = event.time;
  return frame;
}

}  // namespace

std::variant<std::string, FrameError> frame_to_line(std::string_view text) {
  const auto frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return FrameError{"invalid-json", "Frame is not valid JSON."};
  if (!frame.is_object()) return FrameError{"invalid-frame", "Frame must be a JSON object."};
  const auto type = string_field(frame, "type");
  if (!type) return missing("type");
  if (*type == "command") return command_line(frame);
  if (*type == "message") return message_line(frame);
  if (*type == "login") {
    if (frame.contains("password")) return with_words("LOGIN", frame, {"nickname", "password"});
    const auto nickname = string_field(frame, "nickname");
    if (!nickname) return missing("nickname");
    if (has_line_break(*nickname))
      return FrameError{"invalid-frame", "Nickname contains a line break."};
    return "USERNAME " + *nickname;
  }
  if (*type == "register") return with_words("REGISTER", frame, {"password"});
  if (*type == "resume") return with_words("RESUME", frame, {"token"});
  if (*type == "password") return with_words("PASSWORD", frame, {"old", "new"});
  if (*type == "history") return history_line(frame);
  if (*type == "topic") {
    auto line = with_words("TOPIC", frame, {"target"});
    if (!frame.contains("topic") || std::holds_alternative<FrameError>(line)) return line;
    const auto topic = string_field(frame, "topic");
    if (!topic) return missing("topic");
    if (has_line_break(*topic)) return FrameError{"invalid-frame", "Topic contains a line break."};
    return std::get<std::string>(line) + " " + *topic;
  }
  if (*type == "kick") return with_words("KICK", frame, {"target", "nickname"});
  if (*type == "providers") return std::string("PROVIDERS");
  if (*type == "nodes") return std::string("NODES");
  if (*type == "typing") return with_words("TYPING", frame, {"target", "state"});
  if (*type == "authorize") return with_words("AUTHORIZE", frame, {"provider", "redirect_uri"});
  if (*type == "signin") return with_words("SIGNIN", frame, {"state", "code"});
  if (*type == "read") {
    if (frame.contains("id")) return with_words("READ", frame, {"target", "id"});
    return with_words("READ", frame, {"target"});
  }
  return FrameError{"unknown-type", "Unknown frame type \"" + *type + "\"."};
}

std::optional<std::string> line_to_frame(std::string_view line) {
  const auto parsed = parse_server_line(line);
  if (!parsed) return std::nullopt;
  std::optional<Json> frame;
  if (const auto* message = std::get_if<ChatMessage>(&*parsed)) {
    frame = message_frame("message", *message);
  } else if (const auto* stored = std::get_if<HistoryMessage>(&*parsed)) {
    frame = message_frame("history", stored->message);
  } else if (const auto* event = std::get_if<Event>(&*parsed)) {
    frame = event_frame(*event);
  } else if (const auto* reply = std::get_if<Reply>(&*parsed)) {
    frame = reply_frame(*reply);
  } else if (const auto* error = std::get_if<ErrorReply>(&*parsed)) {
    frame = Json{{"type", "error"}};
    if (error->verb != "*") (*frame)["command"] = json_command_name(error->verb);
    (*frame)["code"] = error->code;
    (*frame)["message"] = error->text;
  }
  if (!frame) return std::nullopt;
  // Invalid UTF-8 never reaches here (chatd rejects it), but never let a frame throw.
  return frame->dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error_frame(std::string_view code, std::string_view message) {
  return Json{{"type", "error"}, {"code", code}, {"message", message}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace chat::protocol
