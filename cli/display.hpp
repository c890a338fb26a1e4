#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/server_line.hpp"

namespace chat::cli {

struct DisplayStyle {
  bool colour = false;  // ANSI colours: only for a terminal
  bool utc = false;     // times in UTC rather than the local zone
};

// The text with what a terminal would not simply show replaced by U+FFFD: control characters
// (C0, DEL and C1, but not TAB) and bytes that are not UTF-8. Someone else's words pass through
// it before they reach the screen, so that no one can drive the reader's terminal.
std::string printable(std::string_view text);

// Turns what chatd sends into screen lines. Without colour the format is stable for scripts:
//   [15:32] * alice: hello                  everyone
//   [15:32] #main <alice> hello             a room
//   [15:32] (private) alice -> bob: hi      private
//   [15:32] -!- alice joined #main          presence and room events
//   -!- online: alice bob                   answers to lists
//   !! error: No such user. (MSG @bob)      errors
// Whatever comes from the server is made printable() first.
class Display {
 public:
  explicit Display(DisplayStyle style);

  std::string message(const protocol::ChatMessage& message) const;
  std::string event(const protocol::Event& event) const;
  // context: the command that failed, shortened, e.g. "JOIN #x"; may be empty
  std::string error(const protocol::ErrorReply& error, std::string_view context) const;
  // OK ROOMS / USERS / MEMBERS; nullopt for other replies
  std::optional<std::string> list(const protocol::Reply& reply) const;
  std::string notice(std::string_view text) const;   // "-!- text"
  std::string warning(std::string_view text) const;  // "!! text"
  // "2026-11-23T15:32:54.691Z" as "15:32" in the chosen zone
  std::string clock(std::string_view time) const;

 private:
  std::string paint(std::string_view sgr, std::string_view text) const;
  std::string nick(std::string_view name) const;
  std::string room(std::string_view name) const;
  std::string stamp(std::string_view time) const;
  std::string marked(std::string_view text) const;  // "-!- " before text already made safe

  DisplayStyle style_;
};

}  // namespace chat::cli
