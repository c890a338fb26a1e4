#pragma once

#include <array>
#include <memory>
#include <string>
#include <variant>

#include "protocol/server_line.hpp"

namespace chat {

// The line dialects a session can speak; each front picks one per connection.
enum class Dialect { plain, rich };

// One message or event on its way to many recipients. Each dialect's line is formatted once, on
// first use, and the same buffer is queued on every recipient's session.
class Delivery {
 public:
  explicit Delivery(protocol::ChatMessage message);
  explicit Delivery(protocol::Event event);

  // The user who sent the message or caused the event.
  const std::string& actor_id() const;
  // The newline-terminated line in a dialect; nullptr where the dialect does not carry it
  // (plain mode has no events).
  std::shared_ptr<const std::string> line(Dialect dialect) const;

 private:
  std::variant<protocol::ChatMessage, protocol::Event> content_;
  mutable std::array<std::shared_ptr<const std::string>, 2> lines_;
};

}  // namespace chat
