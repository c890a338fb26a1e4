#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/error.hpp"

namespace chat::protocol {

// The lines chatd sends. Plain mode (the default, seed 002) sends only deliveries as
// "RECEIVE ...", errors as "ERROR <sentence>" and answers to queries. Rich mode (after RICH)
// adds server ids, times, user identifiers, acknowledgements and presence events; every field
// but the last is a single word, the last may contain spaces. docs/protocol.md has the grammar.

// A chat message as delivered. target is "*", "#room" or "@nick" (the recipient of a private one).
struct ChatMessage {
  std::string id;
  std::string time;
  std::string target;
  std::string sender_id;
  std::string sender;
  std::string text;
};

// A stored message sent again as the answer to HISTORY; the same fields as a live one.
struct HistoryMessage {
  ChatMessage message;
};

// A presence or room event. room is "*" for events that concern no room; for READ it is the
// conversation ("#room", "@nick" or "*") whose read marker moved.
struct Event {
  enum class Kind {
    online,
    offline,
    rename,
    create,
    destroy,
    join,
    leave,
    read,
    topic,
    kick,
    away,
    typing
  };
  Kind kind;
  std::string time;
  std::string room;
  std::string user_id;
  std::string nickname;
  // rename: the previous nickname; read: the last message id read; topic: the new topic (the
  // user set it; empty: cleared); kick: who kicked (the user is the one kicked); away: the away
  // message (empty: back); typing: active, paused or done (the room is "@nick" of the recipient
  // for a private conversation, as a private message's target)
  std::string detail;
};

// "OK <VERB> [fields...]": a rich-mode command succeeded.
struct Reply {
  std::string verb;
  std::vector<std::string> fields;
};

// "ERROR <VERB|*> <code> <sentence>": a rich-mode command failed.
struct ErrorReply {
  std::string verb;
  std::string code;
  std::string text;
};

using ServerLine = std::variant<ChatMessage, HistoryMessage, Event, Reply, ErrorReply>;

std::string_view event_kind_name(Event::Kind kind);  // "ONLINE", "JOIN", ...

// Formatting (no trailing newline).
std::string format_plain_message(
    const ChatMessage& message);  // RECEIVE [#room|@nick] <from> <text>
// A multi-line message is several such lines (joined by "\n", the same id on each), or with
// `multiline` (RICH MULTILINE) one line whose text has its line breaks escaped.
std::string format_rich_message(
    const ChatMessage& message,
    bool multiline = false);  // MESSAGE <id> <time> <target> <uid> <from> <text>
std::string format_history_message(
    const ChatMessage& message,
    bool multiline = false);  // HISTORY <id> <time> <target> <uid> <from> <text>
std::string format_rich_event(
    const Event& event);  // EVENT <time> <KIND> <room|*> <uid> <nick> [previous|msgid]
std::string format_plain_error(Error error);  // ERROR <sentence>
std::string format_rich_error(std::optional<Verb> verb, Error error);
std::string format_reply(Verb verb, const std::vector<std::string>& fields);  // OK <VERB> fields...

// Parses a rich-mode line; nullopt for anything else.
std::optional<ServerLine> parse_server_line(std::string_view line);

}  // namespace chat::protocol
