#include "chatd/native_front.hpp"

#include <memory>
#include <utility>

#include "protocol/server_line.hpp"

namespace chat {
namespace {

using protocol::Verb;

constexpr std::string_view help_text =
    "Commands: USERNAME <name> | SEND <text> | MSG <*|#room|@user> <text> | JOIN <#room> | "
    "LEAVE <#room> | CREATE <#room> | DESTROY <#room> | ROOMS | USERS | MEMBERS <#room> | "
    "LOGOUT | QUIT | PING [token] | RICH | HELP";

// Plain mode stays silent on success (seed 002) and answers only questions.
bool answers_in_plain_mode(Verb verb) {
  return verb == Verb::rooms || verb == Verb::users || verb == Verb::members || verb == Verb::help;
}

}  // namespace

NativeFront::NativeFront(Hub& hub, LineSink& sink) : hub_(hub), sink_(sink) {}

void NativeFront::on_line(std::string_view line) {
  if (quitting_ || line.empty()) return;
  auto parsed = protocol::parse_command(line);
  if (const auto* failure = std::get_if<protocol::CommandError>(&parsed)) {
    reply_error(failure->verb, failure->error);
    return;
  }
  execute(std::get<protocol::Command>(parsed));
}

void NativeFront::on_line_too_long() {
  if (!quitting_) reply_error(std::nullopt, protocol::Error::line_too_long);
}

void NativeFront::on_close() { log_out(); }

void NativeFront::log_out() {
  if (user_id_) hub_.logout(*std::exchange(user_id_, std::nullopt));
}

void NativeFront::deliver(const Delivery& delivery) {
  // Rich clients get their own messages back with the server's id and time (seed 003);
  // plain clients never do (seed 002).
  if (dialect_ == Dialect::plain && user_id_ && delivery.actor_id() == *user_id_) return;
  if (auto line = delivery.line(dialect_)) sink_.send(std::move(line));
}

void NativeFront::execute(const protocol::Command& command) {
  switch (command.verb) {
    case Verb::rich:
      dialect_ = Dialect::rich;
      reply(Verb::rich);
      return;
    case Verb::help:
      reply(Verb::help, {std::string(help_text)});
      return;
    case Verb::ping:
      if (dialect_ == Dialect::plain) {
        send_line(command.name.empty() ? "PONG" : "PONG " + command.name);
      } else {
        reply(Verb::ping, command.name.empty() ? std::vector<std::string>{}
                                               : std::vector<std::string>{command.name});
      }
      return;
    case Verb::quit:
      reply(Verb::quit);
      log_out();
      quitting_ = true;
      sink_.close_after_flush();
      return;
    case Verb::rooms:
      reply(Verb::rooms, hub_.room_names());
      return;
    case Verb::users:
      reply(Verb::users, hub_.nicknames());
      return;
    case Verb::members: {
      auto members = hub_.members(command.name);
      if (const auto* error = std::get_if<protocol::Error>(&members)) {
        reply_error(Verb::members, *error);
        return;
      }
      reply(Verb::members, std::get<std::vector<std::string>>(members));
      return;
    }
    case Verb::username:
      if (!user_id_) {
        log_in(command.name);
      } else if (const auto error = hub_.rename(*user_id_, command.name)) {
        reply_error(Verb::username, *error);
      } else {
        reply(Verb::username, {command.name, *user_id_});
      }
      return;
    default:
      if (!user_id_) {
        reply_error(command.verb, protocol::Error::username_required);
        return;
      }
      execute_as_user(command, *user_id_);
  }
}

void NativeFront::execute_as_user(const protocol::Command& command, const std::string& user_id) {
  switch (command.verb) {
    case Verb::send:
    case Verb::msg: {
      auto sent = hub_.send(user_id, command.target, command.text);
      if (const auto* error = std::get_if<protocol::Error>(&sent)) {
        reply_error(command.verb, *error);
      } else {
        const auto& message = std::get<protocol::ChatMessage>(sent);
        reply(command.verb, {message.id, message.time});
      }
      return;
    }
    case Verb::create:
      reply_outcome(command.verb, hub_.create_room(user_id, command.name));
      return;
    case Verb::destroy:
      reply_outcome(command.verb, hub_.destroy_room(user_id, command.name));
      return;
    case Verb::join:
      reply_outcome(command.verb, hub_.join_room(user_id, command.name));
      return;
    case Verb::leave:
      reply_outcome(command.verb, hub_.leave_room(user_id, command.name));
      return;
    case Verb::logout:
      log_out();
      reply(Verb::logout);
      return;
    default:
      return;
  }
}

void NativeFront::log_in(const std::string& nickname) {
  auto result = hub_.login(*this, nickname);
  if (const auto* error = std::get_if<protocol::Error>(&result)) {
    reply_error(Verb::username, *error);
    return;
  }
  user_id_ = std::move(std::get<std::string>(result));
  reply(Verb::username, {nickname, *user_id_});
}

void NativeFront::reply(Verb verb, const std::vector<std::string>& fields) {
  if (dialect_ == Dialect::rich) {
    send_line(protocol::format_reply(verb, fields));
  } else if (answers_in_plain_mode(verb)) {
    std::string line(protocol::verb_name(verb));
    for (const auto& field : fields) line += ' ' + field;
    send_line(std::move(line));
  }
}

void NativeFront::reply_error(std::optional<Verb> verb, protocol::Error error) {
  send_line(dialect_ == Dialect::rich ? protocol::format_rich_error(verb, error)
                                      : protocol::format_plain_error(error));
}

void NativeFront::reply_outcome(Verb verb, const Hub::RoomResult& result) {
  if (const auto* error = std::get_if<protocol::Error>(&result)) {
    reply_error(verb, *error);
  } else {
    reply(verb, {std::get<std::string>(result)});
  }
}

void NativeFront::send_line(std::string line) {
  line += '\n';
  sink_.send(std::make_shared<const std::string>(std::move(line)));
}

}  // namespace chat
