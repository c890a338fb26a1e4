#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/server_line.hpp"

namespace chat::protocol::irc {

// How chat's conversations look to an IRC client. Rooms are channels as they are; "everyone"
// (seed 002's SEND, MSG *) is the local channel &everyone, which every IRC user is in; a private
// message is addressed to the recipient's nickname.
inline constexpr std::string_view everyone_channel = "&everyone";
inline constexpr std::string_view server_name = "chatd";

// "alice!alice@chat": chat has no user names or hosts of its own to show.
std::string user_source(std::string_view nickname);

// The chat text of an IRC message's text: a CTCP ACTION becomes an action ("/me ..."), any other
// CTCP request or reply (VERSION, PING...) nullopt, as chat has nothing to carry it; the rest is
// as it is.
std::optional<std::string> chat_text(std::string_view irc_text);

// With `tags`, the line carries IRCv3 server-time and msgid (for clients that asked for them),
// and account-tag's account when the sender is logged in to one; with a `batch` reference, it
// belongs to that batch (history played back). An action goes out as CTCP ACTION.
std::string format_message(const ChatMessage& message, bool tags, std::string_view batch = {},
                           std::string_view account = {});
// The IRC line for a presence or room event, or nullopt for those IRC has no line for (room
// creation, read markers) or that depend on who receives them (a destroyed room).
std::optional<std::string> format_event(const Event& event, bool tags);

}  // namespace chat::protocol::irc
