#include "chatd/hub/delivery.hpp"

#include <optional>
#include <utility>

#include "protocol/irc_lines.hpp"

namespace chat {

Delivery::Delivery(protocol::ChatMessage message, const Client* origin, std::string account)
    : content_(std::move(message)), origin_(origin), account_(std::move(account)) {}
Delivery::Delivery(protocol::Event event) : content_(std::move(event)) {}

std::shared_ptr<const std::string> Delivery::line(Dialect dialect) const {
  auto& cached = lines_[static_cast<std::size_t>(dialect)];
  if (cached) return cached;
  std::optional<std::string> text;
  const auto* message = std::get_if<protocol::ChatMessage>(&content_);
  const auto* event = std::get_if<protocol::Event>(&content_);
  switch (dialect) {
    case Dialect::plain:
      if (message) text = protocol::format_plain_message(*message);  // plain mode has no events
      break;
    case Dialect::rich:
    case Dialect::rich_multiline:
      if (message) {
        text = protocol::format_rich_message(*message, dialect == Dialect::rich_multiline);
      } else if (event->kind != protocol::Event::Kind::away) {
        text = protocol::format_rich_event(*event);
      }
      break;
    case Dialect::irc:
    case Dialect::irc_tagged: {
      const bool tags = dialect == Dialect::irc_tagged;
      text = message ? protocol::irc::format_message(*message, tags, {}, account_)
                     : protocol::irc::format_event(*event, tags);
      break;
    }
  }
  if (!text) return nullptr;
  *text += dialect == Dialect::irc || dialect == Dialect::irc_tagged ? "\r\n" : "\n";
  cached = std::make_shared<const std::string>(std::move(*text));
  return cached;
}

}  // namespace chat
