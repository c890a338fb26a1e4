#include "chatd/fronts/irc_front.hpp"

#include <algorithm>
#include <utility>

#include "protocol/irc_lines.hpp"
#include "protocol/names.hpp"

namespace chat {
namespace {

namespace irc = protocol::irc;
using protocol::Error;

constexpr std::string_view capabilities = "server-time message-tags echo-message";

bool supported_capability(std::string_view name) {
  return name == "server-time" || name == "message-tags" || name == "echo-message";
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const auto at = text.find(separator);
    if (at != 0) parts.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

bool is_everyone(std::string_view channel) {
  return protocol::fold_case(channel) == irc::everyone_channel;
}

CommandClass command_class(std::string_view command) {
  if (command == "PRIVMSG" || command == "NOTICE") return CommandClass::message;
  if (command == "NICK") return CommandClass::nickname;
  if (command == "JOIN" || command == "PART" || command == "KICK") return CommandClass::membership;
  if (command == "PASS" || command == "AUTHENTICATE") return CommandClass::account;
  if (command == "NAMES" || command == "LIST" || command == "WHO" || command == "WHOIS" ||
      command == "ISON" || command == "USERHOST" || command == "MODE" || command == "TOPIC" ||
      command == "CHATHISTORY") {
    return CommandClass::query;
  }
  return CommandClass::other;
}

}  // namespace

IrcFront::IrcFront(Hub& hub, Accounts& accounts, LineSink& sink, const FloodLimits& flood_limits)
    : hub_(hub), accounts_(accounts), sink_(sink), flood_(flood_limits) {}

void IrcFront::charge(CommandClass kind, double cost) {
  const auto wait = flood_.charge(kind, FloodControl::Clock::now(), cost);
  if (wait > FloodControl::Clock::duration::zero()) sink_.hold_input(wait);
}

template <typename Value, typename Handler>
std::function<void(Value)> IrcFront::answer(Handler handler) {
  sink_.pause_input();
  return [this, open = std::weak_ptr<int>(open_), handler = std::move(handler)](Value value) {
    if (open.expired()) return;
    handler(std::move(value));
    if (!open.expired()) sink_.resume_input();
  };
}

void IrcFront::on_line(std::string_view line) {
  if (quitting_) return;
  auto message = irc::parse(line);
  if (!message) return;  // blank: IRC ignores it
  execute(*message);
}

void IrcFront::on_line_too_long() {
  if (quitting_) return;
  charge(CommandClass::other);
  reply("417", {"Input line was too long"});
}

void IrcFront::on_input_end() {
  quitting_ = true;
  sink_.close_after_flush();
}

void IrcFront::on_close() {
  if (user_id_) hub_.detach(*std::exchange(user_id_, std::nullopt), *this);
  open_.reset();
}

void IrcFront::deliver(const Delivery& delivery) {
  if (!user_id_) return;
  // Its own messages come back only to a client that asked (echo-message).
  if (delivery.origin() == this && !echo_message_) return;
  if (const auto* event = delivery.event()) {
    const auto folded = protocol::fold_case(event->room);
    if (event->kind == protocol::Event::Kind::destroy && channels_.erase(folded)) {
      // The room is gone, and this client with it: as if the destroyer had kicked it.
      irc::Message kick;
      kick.source = irc::user_source(event->nickname);
      kick.command = "KICK";
      kick.params = {event->room, nickname_, "Room destroyed"};
      send(kick);
      return;
    }
    if (event->user_id == *user_id_) {
      // Its own joins and departures are this client's to keep track of.
      if (event->kind == protocol::Event::Kind::join) channels_.insert(folded);
      if (event->kind == protocol::Event::Kind::leave) channels_.erase(folded);
    }
  }
  if (auto line = delivery.line(server_time_ ? Dialect::irc_tagged : Dialect::irc)) {
    sink_.send(std::move(line));
  }
}

void IrcFront::execute(const irc::Message& message) {
  const auto& command = message.command;
  const auto& params = message.params;
  // A command with several targets ("JOIN #a,#b") costs one token a target.
  const auto targets = params.empty() ? 0 : std::count(params[0].begin(), params[0].end(), ',');
  charge(command_class(command), 1.0 + static_cast<double>(targets));
  if (command == "CAP") return capability(params);
  if (command == "PING") {
    if (params.empty()) return reply("409", {"No origin specified"});
    irc::Message pong;
    pong.source = irc::server_name;
    pong.command = "PONG";
    pong.params = {std::string(irc::server_name), params.front()};
    return send(pong);
  }
  if (command == "PONG") return;
  if (command == "QUIT") return quit(params.empty() ? "Quit" : params.front());
  if (!user_id_) {
    if (command == "PASS") {
      if (params.empty()) return reply("461", {"PASS", "Not enough parameters"});
      password_ = params.front();
      return;
    }
    if (command == "NICK") {
      if (params.empty() || params.front().empty()) return reply("431", {"No nickname given"});
      nickname_ = params.front();
      return try_register();
    }
    if (command == "USER") {
      if (params.size() < 4) return reply("461", {"USER", "Not enough parameters"});
      got_user_ = true;
      return try_register();
    }
    return reply("451", {"You have not registered"});
  }
  execute_registered(message);
}

void IrcFront::capability(const Params& params) {
  const auto sub = params.empty() ? std::string() : params.front();
  irc::Message cap;
  cap.source = irc::server_name;
  cap.command = "CAP";
  cap.params = {nick_or_star()};
  if (sub == "LS") {
    if (!user_id_) negotiating_ = true;
    cap.params.insert(cap.params.end(), {"LS", std::string(capabilities)});
  } else if (sub == "LIST") {
    std::string enabled;
    if (server_time_) enabled += "server-time message-tags ";
    if (echo_message_) enabled += "echo-message";
    while (!enabled.empty() && enabled.back() == ' ') enabled.pop_back();
    cap.params.insert(cap.params.end(), {"LIST", enabled});
  } else if (sub == "REQ" && params.size() >= 2) {
    if (!user_id_) negotiating_ = true;
    const auto wanted = split(params[1], ' ');
    // All or nothing, as the spec says.
    const bool all = std::all_of(wanted.begin(), wanted.end(), [](const std::string& name) {
      return supported_capability(name.front() == '-' ? std::string_view(name).substr(1) : name);
    });
    if (all) {
      for (const auto& name : wanted) {
        const bool on = name.front() != '-';
        const auto plain = on ? std::string_view(name) : std::string_view(name).substr(1);
        if (plain == "echo-message") echo_message_ = on;
        if (plain == "server-time" || plain == "message-tags") server_time_ = on;
      }
    }
    cap.params.insert(cap.params.end(), {all ? "ACK" : "NAK", params[1]});
  } else if (sub == "END") {
    negotiating_ = false;
    return try_register();
  } else {
    return reply("410", {sub, "Invalid CAP command"});
  }
  send(cap);
}

void IrcFront::try_register() {
  if (user_id_ || negotiating_ || !got_user_ || nickname_.empty()) return;
  if (protocol::check_nickname(nickname_)) return reply("432", {nickname_, "Erroneous nickname"});
  auto result = hub_.login(*this, nickname_);
  if (const auto* id = std::get_if<std::string>(&result)) return welcome(*id, nickname_);
  const auto error = std::get<Error>(result);
  if (error != Error::nickname_registered || password_.empty()) {
    return reply("433", {nickname_, error == Error::nickname_registered
                                        ? "Nickname is registered; send its password with PASS"
                                        : "Nickname is already in use"});
  }
  // A registered nickname with PASS: one more connection of that account.
  accounts_.verify_password(nickname_, std::exchange(password_, {}), sink_.remote_address(),
                            answer<Accounts::Verified>([this](Accounts::Verified verified) {
                              if (const auto* failed = std::get_if<Error>(&verified)) {
                                reply("464", {std::string(protocol::error_text(*failed))});
                                return;
                              }
                              const auto& id = std::get<std::string>(verified);
                              welcome(id, hub_.attach(*this, id));
                              for (const auto& room : hub_.joined_rooms(id)) names(room);
                            }));
}

void IrcFront::welcome(const std::string& user_id, const std::string& nickname) {
  user_id_ = user_id;
  nickname_ = nickname;
  reply("001", {"Welcome to chat, " + nickname});
  reply("002", {"Your host is chatd, running chat 0.1"});
  reply("003", {"This server has no creation date to tell"});
  reply("004", {"chatd", "chat-0.1", "i", "nt"});
  reply("005", {"CASEMAPPING=ascii", "CHANTYPES=#&",
                "NICKLEN=" + std::to_string(protocol::max_nickname_length),
                "CHANNELLEN=" + std::to_string(protocol::max_room_name_length + 1), "PREFIX=(o)@",
                "CHANMODES=,,,nt", "NETWORK=chat", "are supported by this server"});
  reply("422", {"MOTD File is missing"});
  // Everyone on the server is in &everyone: seed 002's broadcast conversation.
  irc::Message joined;
  joined.source = irc::user_source(nickname);
  joined.command = "JOIN";
  joined.params = {std::string(irc::everyone_channel)};
  send(joined);
  names(std::string(irc::everyone_channel));
  for (const auto& room : hub_.joined_rooms(user_id)) {
    channels_.insert(protocol::fold_case(room));
    joined.params = {room};
    send(joined);
  }
}

void IrcFront::execute_registered(const irc::Message& message) {
  const auto& command = message.command;
  const auto& params = message.params;
  const auto param = [&](std::size_t i) { return i < params.size() ? params[i] : std::string(); };
  if (command == "PASS" || command == "USER") return reply("462", {"You may not reregister"});
  if (command == "NICK") {
    if (params.empty()) return reply("431", {"No nickname given"});
    return rename(params.front());
  }
  if (command == "JOIN") {
    if (params.empty()) return reply("461", {"JOIN", "Not enough parameters"});
    return join(params.front());
  }
  if (command == "PART") {
    if (params.empty()) return reply("461", {"PART", "Not enough parameters"});
    return part(params.front(), param(1));
  }
  if (command == "PRIVMSG" || command == "NOTICE")
    return this->message(message, command == "NOTICE");
  if (command == "NAMES") {
    for (const auto& channel : split(param(0), ',')) names(channel);
    if (params.empty()) reply("366", {"*", "End of /NAMES list"});
    return;
  }
  if (command == "LIST") return list();
  if (command == "WHO") return who(param(0));
  if (command == "WHOIS") {
    if (params.empty()) return reply("431", {"No nickname given"});
    return whois(params.back());
  }
  if (command == "ISON") {
    const auto online = hub_.nicknames();
    std::string present;
    for (const auto& asked : params) {
      for (const auto& name : split(asked, ' ')) {
        const auto found = std::find_if(online.begin(), online.end(), [&](const auto& nick) {
          return protocol::fold_case(nick) == protocol::fold_case(name);
        });
        if (found != online.end()) present += (present.empty() ? "" : " ") + *found;
      }
    }
    return reply("303", {present});
  }
  if (command == "USERHOST") {
    const auto online = hub_.nicknames();
    std::string found_hosts;
    for (const auto& asked : params) {
      for (const auto& nick : online) {
        if (protocol::fold_case(nick) == protocol::fold_case(asked)) {
          found_hosts += (found_hosts.empty() ? "" : " ") + nick + "=+" + nick + "@chat";
        }
      }
    }
    return reply("302", {found_hosts});
  }
  if (command == "MODE") {
    if (params.empty() || params.front().empty()) {
      return reply("461", {"MODE", "Not enough parameters"});
    }
    const auto& target = params.front();
    if (target.front() == '#' || target.front() == '&') {
      if (params.size() > 1) return reply("482", {target, "Channel modes cannot be changed here"});
      return reply("324", {target, "+nt"});
    }
    if (protocol::fold_case(target) != protocol::fold_case(nickname_)) {
      return reply("502", {"Cannot change mode for other users"});
    }
    if (params.size() > 1) return reply("501", {"Unknown MODE flag"});
    return reply("221", {"+i"});
  }
  if (command == "TOPIC") {
    if (params.empty()) return reply("461", {"TOPIC", "Not enough parameters"});
    if (params.size() > 1) return reply("482", {params.front(), "Topics cannot be set here"});
    return reply("331", {params.front(), "No topic is set"});
  }
  if (command == "AWAY") {
    return params.empty() || params.front().empty()
               ? reply("305", {"You are no longer marked as being away"})
               : reply("306", {"You have been marked as being away"});
  }
  reply("421", {command, "Unknown command"});
}

void IrcFront::join(const std::string& channels) {
  if (channels == "0") {
    for (const auto& room : hub_.joined_rooms(*user_id_)) part(room, "Left all channels");
    return;
  }
  for (const auto& channel : split(channels, ',')) {
    if (is_everyone(channel)) continue;  // always in it
    if (protocol::check_room_name(channel)) {
      reply("403", {channel, "No such channel"});
      continue;
    }
    hub_.join_room(*user_id_, channel,
                   answer<Hub::RoomResult>([this, channel](Hub::RoomResult result) {
                     if (const auto* error = std::get_if<Error>(&result)) {
                       if (*error == Error::already_member) return;  // IRC ignores a second JOIN
                       reply(*error == Error::room_limit ? "405" : "403",
                             {channel, std::string(protocol::error_text(*error))});
                       return;
                     }
                     // The JOIN line itself came with the room's event, before this answer.
                     reply("331", {std::get<std::string>(result), "No topic is set"});
                     names(std::get<std::string>(result));
                   }));
  }
}

void IrcFront::part(const std::string& channels, const std::string& reason) {
  for (const auto& channel : split(channels, ',')) {
    if (is_everyone(channel)) {
      reply("442", {channel, "Everyone stays in " + std::string(irc::everyone_channel)});
      continue;
    }
    hub_.leave_room(*user_id_, channel,
                    answer<Hub::RoomResult>([this, channel, reason](Hub::RoomResult result) {
                      if (const auto* error = std::get_if<Error>(&result)) {
                        reply(*error == Error::not_member ? "442" : "403",
                              {channel, std::string(protocol::error_text(*error))});
                        return;
                      }
                      // The others were told by the hub; IRC tells the leaver too.
                      const auto& room = std::get<std::string>(result);
                      channels_.erase(protocol::fold_case(room));
                      irc::Message parted;
                      parted.source = irc::user_source(nickname_);
                      parted.command = "PART";
                      parted.params = {room};
                      if (!reason.empty()) parted.params.push_back(reason);
                      send(parted);
                    }));
  }
}

void IrcFront::message(const irc::Message& message, bool notice) {
  const auto& params = message.params;
  if (params.empty()) {
    if (!notice) reply("411", {"No recipient given (" + message.command + ")"});
    return;
  }
  if (params.size() < 2 || params[1].empty()) {
    if (!notice) reply("412", {"No text to send"});
    return;
  }
  for (const auto& to : split(params[0], ',')) {
    protocol::Target target;
    if (is_everyone(to)) {
      target = {protocol::Target::Kind::everyone, {}};
    } else if (to.front() == '#') {
      target = {protocol::Target::Kind::room, to};
    } else {
      target = {protocol::Target::Kind::user, to};
    }
    hub_.send(*user_id_, *this, target, params[1],
              answer<Hub::MessageResult>([this, to, notice](Hub::MessageResult sent) {
                const auto* error = std::get_if<Error>(&sent);
                if (!error || notice) return;
                switch (*error) {
                  case Error::no_such_user:
                    return reply("401", {to, "No such nick/channel"});
                  case Error::no_such_room:
                  case Error::room_name_invalid:
                    return reply("403", {to, "No such channel"});
                  case Error::not_member:
                    return reply("404", {to, "Cannot send to channel (join it first)"});
                  case Error::message_control_characters:
                  case Error::message_invalid_utf8:
                    return reply("404", {to, std::string(protocol::error_text(*error))});
                  default:
                    return reply("404", {to, std::string(protocol::error_text(*error))});
                }
              }));
  }
}

void IrcFront::names(const std::string& channel) {
  std::vector<std::string> members;
  std::string shown = channel;
  if (is_everyone(channel)) {
    members = hub_.nicknames();
    shown = irc::everyone_channel;
  } else {
    auto found = hub_.members(channel);
    if (const auto* list = std::get_if<std::vector<std::string>>(&found)) {
      shown = list->front();
      members.assign(list->begin() + 1, list->end());
      const auto owner = hub_.owner_nickname(channel);
      for (auto& member : members) {
        if (owner && member == *owner) member = "@" + member;
      }
    }
  }
  // 353 lines of at most some 400 bytes of names each.
  std::string line;
  for (const auto& member : members) {
    if (line.size() + member.size() > 400) {
      reply("353", {"=", shown, line});
      line.clear();
    }
    line += (line.empty() ? "" : " ") + member;
  }
  if (!line.empty()) reply("353", {"=", shown, line});
  reply("366", {shown, "End of /NAMES list"});
}

void IrcFront::who(const std::string& mask) {
  std::vector<std::string> people;
  if (mask.empty() || is_everyone(mask)) {
    people = hub_.nicknames();
  } else if (mask.front() == '#') {
    auto found = hub_.members(mask);
    if (const auto* list = std::get_if<std::vector<std::string>>(&found)) {
      people.assign(list->begin() + 1, list->end());
    }
  } else {
    for (const auto& nick : hub_.nicknames()) {
      if (protocol::fold_case(nick) == protocol::fold_case(mask)) people.push_back(nick);
    }
  }
  const auto online = hub_.nicknames();
  for (const auto& nick : people) {
    const bool here = std::find(online.begin(), online.end(), nick) != online.end();
    reply("352", {mask.empty() ? "*" : mask, nick, "chat", std::string(irc::server_name), nick,
                  here ? "H" : "G", "0 " + nick});
  }
  reply("315", {mask.empty() ? "*" : mask, "End of /WHO list"});
}

void IrcFront::whois(const std::string& nickname) {
  const auto online = hub_.nicknames();
  const auto found = std::find_if(online.begin(), online.end(), [&](const auto& nick) {
    return protocol::fold_case(nick) == protocol::fold_case(nickname);
  });
  if (found == online.end()) {
    reply("401", {nickname, "No such nick/channel"});
  } else {
    reply("311", {*found, *found, "chat", "*", *found});
    reply("312", {*found, std::string(irc::server_name), "chat"});
  }
  reply("318", {nickname, "End of /WHOIS list"});
}

void IrcFront::list() {
  reply("321", {"Channel", "Users  Name"});
  for (const auto& room : hub_.room_names()) {
    auto found = hub_.members(room);
    const auto count = std::get_if<std::vector<std::string>>(&found);
    reply("322", {room, std::to_string(count ? count->size() - 1 : 0), ""});
  }
  reply("323", {"End of /LIST"});
}

void IrcFront::rename(const std::string& nickname) {
  if (protocol::check_nickname(nickname)) return reply("432", {nickname, "Erroneous nickname"});
  const auto previous = nickname_;
  if (const auto error = hub_.rename(*user_id_, *this, nickname)) {
    return reply("433", {nickname, *error == Error::nickname_registered
                                       ? "Nickname is registered to someone else"
                                       : "Nickname is already in use"});
  }
  nickname_ = nickname;
  // The others heard it from the hub; IRC tells the renamer too.
  irc::Message renamed;
  renamed.source = irc::user_source(previous);
  renamed.command = "NICK";
  renamed.params = {nickname};
  send(renamed);
}

void IrcFront::quit(const std::string& reason) {
  irc::Message error;
  error.command = "ERROR";
  error.params = {"Closing link: " + reason};
  send(error);
  if (user_id_) hub_.detach(*std::exchange(user_id_, std::nullopt), *this);
  quitting_ = true;
  sink_.close_after_flush();
}

void IrcFront::reply(std::string_view numeric, Params params) {
  irc::Message message;
  message.source = irc::server_name;
  message.command = std::string(numeric);
  params.insert(params.begin(), nick_or_star());
  message.params = std::move(params);
  send(message);
}

void IrcFront::send(const irc::Message& message) { send_line(irc::format(message)); }

void IrcFront::send_line(std::string line) {
  line += "\r\n";
  sink_.send(std::make_shared<const std::string>(std::move(line)));
}

std::string IrcFront::nick_or_star() const { return nickname_.empty() ? "*" : nickname_; }

}  // namespace chat
