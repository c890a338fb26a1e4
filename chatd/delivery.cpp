#include "chatd/delivery.hpp"

#include <utility>

namespace chat {

Delivery::Delivery(protocol::ChatMessage message, const Client* origin)
    : content_(std::move(message)), origin_(origin) {}
Delivery::Delivery(protocol::Event event) : content_(std::move(event)) {}

std::shared_ptr<const std::string> Delivery::line(Dialect dialect) const {
  auto& cached = lines_[static_cast<std::size_t>(dialect)];
  if (cached) return cached;
  std::string text;
  if (const auto* message = std::get_if<protocol::ChatMessage>(&content_)) {
    text = dialect == Dialect::plain ? protocol::format_plain_message(*message)
                                     : protocol::format_rich_message(*message);
  } else if (dialect == Dialect::rich) {
    text = protocol::format_rich_event(std::get<protocol::Event>(content_));
  } else {
    return nullptr;
  }
  text += '\n';
  cached = std::make_shared<const std::string>(std::move(text));
  return cached;
}

}  // namespace chat
