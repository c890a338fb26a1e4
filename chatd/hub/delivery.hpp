#pragma once

#include <array>
#include <memory>
#include <string>
#include <variant>

#include "protocol/server_line.hpp"

namespace chat {

// The line dialects a session can speak; each front picks one per connection. rich_multiline is
// rich mode whose messages keep their line breaks, escaped (RICH MULTILINE).
enum class Dialect { plain, rich, rich_multiline, irc, irc_tagged };

// One message or event on its way to many recipients. Each dialect's line is formatted once, on
// first use, and the same buffer is queued on every recipient's session.
class Client;

class Delivery {
 public:
  // `origin`: the connection a message was sent from, if it is still there; `account`: the
  // sender's account name (IRC's account-tag), empty for a guest.
  Delivery(protocol::ChatMessage message, const Client* origin, std::string account = {});
  explicit Delivery(protocol::Event event);

  // The connection the message was sent from; nullptr for events. Compared, never used.
  const Client* origin() const { return origin_; }
  // The event, for a front whose line depends on who receives it; nullptr for a message.
  const protocol::Event* event() const { return std::get_if<protocol::Event>(&content_); }
  // The newline-terminated line in a dialect; nullptr where the dialect does not carry it
  // (plain mode has no events; only IRC has away changes).
  std::shared_ptr<const std::string> line(Dialect dialect) const;

 private:
  std::variant<protocol::ChatMessage, protocol::Event> content_;
  const Client* origin_ = nullptr;
  std::string account_;
  mutable std::array<std::shared_ptr<const std::string>, 5> lines_;
};

}  // namespace chat
