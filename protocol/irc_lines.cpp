#include "protocol/irc_lines.hpp"

#include <algorithm>

#include "protocol/irc_message.hpp"
#include "protocol/text.hpp"

namespace chat::protocol::irc {
namespace {

constexpr char ctcp_delimiter = '\x01';
constexpr std::string_view ctcp_action =
    "\x01"
    "ACTION ";

Message from(std::string_view nickname, std::string command, std::string_view time, bool tags) {
  Message message;
  if (tags) message.tags.emplace_back("time", std::string(time));
  message.source = user_source(nickname);
  message.command = std::move(command);
  return message;
}

}  // namespace

std::string user_source(std::string_view nickname) {
  return std::string(nickname) + "!" + std::string(nickname) + "@chat";
}

std::optional<std::string> chat_text(std::string_view irc_text) {
  if (irc_text.empty() || irc_text.front() != ctcp_delimiter) return std::string(irc_text);
  if (irc_text.substr(0, ctcp_action.size()) != ctcp_action) return std::nullopt;
  auto body = irc_text.substr(ctcp_action.size());
  if (!body.empty() && body.back() == ctcp_delimiter) body.remove_suffix(1);  // may be left off
  return std::string(action_prefix) + std::string(body);
}

std::string format_message(const ChatMessage& chat_message, bool tags, std::string_view batch,
                           std::string_view account) {
  auto message = from(chat_message.sender, "PRIVMSG", chat_message.time, tags);
  if (!batch.empty()) message.tags.emplace(message.tags.begin(), "batch", std::string(batch));
  if (tags) message.tags.emplace_back("msgid", chat_message.id);
  if (tags && !account.empty()) message.tags.emplace_back("account", std::string(account));
  const auto& target = chat_message.target;
  if (target == "*") {
    message.params.emplace_back(everyone_channel);
  } else if (target.front() == '@') {
    message.params.emplace_back(target.substr(1));
  } else {
    message.params.push_back(target);
  }
  std::string_view text = chat_message.text;
  // An action is CTCP ACTION on each of its lines.
  const bool action = text.substr(0, action_prefix.size()) == action_prefix;
  if (action) text.remove_prefix(action_prefix.size());
  // A multi-line message: one PRIVMSG a line (no draft/multiline batch is offered), a blank
  // line as one space; only the first carries the message's id.
  std::string lines;
  message.params.emplace_back();
  for (;;) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    message.params.back() = line.empty() ? std::string(" ") : std::string(line);
    if (action) {
      message.params.back() = std::string(ctcp_action) + message.params.back() + ctcp_delimiter;
    }
    lines += format(message);
    if (end == std::string_view::npos) return lines;
    lines += "\r\n";
    text.remove_prefix(end + 1);
    auto& tags = message.tags;
    tags.erase(std::remove_if(tags.begin(), tags.end(),
                              [](const auto& tag) { return tag.first == "msgid"; }),
               tags.end());
  }
}

std::optional<std::string> format_event(const Event& event, bool tags) {
  switch (event.kind) {
    case Event::Kind::online: {
      auto message = from(event.nickname, "JOIN", event.time, tags);
      message.params.emplace_back(everyone_channel);
      return format(message);
    }
    case Event::Kind::offline: {
      auto message = from(event.nickname, "QUIT", event.time, tags);
      message.params.emplace_back("Quit");
      return format(message);
    }
    case Event::Kind::rename: {
      auto message = from(event.detail, "NICK", event.time, tags);
      message.params.push_back(event.nickname);
      return format(message);
    }
    case Event::Kind::join:
    case Event::Kind::leave: {
      auto message =
          from(event.nickname, event.kind == Event::Kind::join ? "JOIN" : "PART", event.time, tags);
      message.params.push_back(event.room);
      return format(message);
    }
    case Event::Kind::topic: {
      auto message = from(event.nickname, "TOPIC", event.time, tags);
      message.params = {event.room, event.detail};
      return format(message);
    }
    case Event::Kind::kick: {
      // chat's KICK has no reason: the kicker's nickname stands in, as IRC clients do.
      auto message = from(event.detail, "KICK", event.time, tags);
      message.params = {event.room, event.nickname, event.detail};
      return format(message);
    }
    case Event::Kind::away: {
      auto message = from(event.nickname, "AWAY", event.time, tags);
      if (!event.detail.empty()) message.params.push_back(event.detail);
      return format(message);
    }
    case Event::Kind::typing: {
      // IRCv3 typing: a TAGMSG with the +typing client tag, for clients with message-tags.
      if (!tags) break;
      auto message = from(event.nickname, "TAGMSG", event.time, tags);
      message.tags.emplace_back("+typing", event.detail);
      message.params.push_back(event.room.front() == '@' ? event.room.substr(1) : event.room);
      return format(message);
    }
    case Event::Kind::create:
    case Event::Kind::destroy:
    case Event::Kind::read:
      break;
  }
  return std::nullopt;
}

}  // namespace chat::protocol::irc
