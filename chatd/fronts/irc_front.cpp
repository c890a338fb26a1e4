#include "chatd/fronts/irc_front.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "chatd/fronts/sasl_plain.hpp"
#include "protocol/decimal.hpp"
#include "protocol/irc_lines.hpp"
#include "protocol/names.hpp"
#include "protocol/text.hpp"
#include "protocol/timestamp.hpp"

namespace chat {
namespace {

namespace irc = protocol::irc;
using protocol::Error;

constexpr std::array<std::string_view, 9> capability_names = {
    "server-time",       "message-tags", "echo-message", "multi-prefix", "batch",
    "draft/chathistory", "sasl",         "away-notify",  "account-tag"};
// ISUPPORT AWAYLEN.
constexpr std::size_t max_away_length = 300;
// What a channel just joined plays back to a client that does not fetch history itself.
constexpr std::size_t playback_messages = 20;
// AUTHENTICATE's payload comes in chunks of 400 bytes; PLAIN needs far less than this.
constexpr std::size_t max_sasl_payload = 2048;

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

protocol::Target to_target(const std::string& to) {
  if (is_everyone(to)) return {protocol::Target::Kind::everyone, {}};
  if (to.front() == '#') return {protocol::Target::Kind::room, to};
  return {protocol::Target::Kind::user, to};
}

// A conversation as the hub names it ("*", "#Room", "@Nick") as an IRC target.
std::string irc_target(const std::string& conversation) {
  if (conversation == "*") return std::string(irc::everyone_channel);
  if (conversation.front() == '@') return conversation.substr(1);
  return conversation;
}

// TARGMAX for JOIN, PART, PRIVMSG, NOTICE, NAMES and TAGMSG.
constexpr std::size_t max_targets = 10;

std::size_t target_count(std::string_view list) {
  return 1 + static_cast<std::size_t>(std::count(list.begin(), list.end(), ','));
}

CommandClass command_class(std::string_view command) {
  if (command == "PRIVMSG" || command == "NOTICE") return CommandClass::message;
  if (command == "NICK") return CommandClass::nickname;
  if (command == "TOPIC") return CommandClass::room;
  if (command == "JOIN" || command == "PART" || command == "KICK") return CommandClass::membership;
  // AUTHENTICATE's chunks are not: the account token is taken when the password is checked.
  if (command == "PASS") return CommandClass::account;
  if (command == "NAMES" || command == "LIST" || command == "WHO" || command == "WHOIS" ||
      command == "ISON" || command == "USERHOST" || command == "MODE" || command == "CHATHISTORY" ||
      command == "TAGMSG" || command == "LINKS") {  // TAGMSG: typing, relayed, nothing stored
    return CommandClass::query;
  }
  return CommandClass::other;
}

}  // namespace

IrcFront::IrcFront(Hub& hub, Accounts& accounts, LineSink& sink, const FloodLimits& flood_limits,
                   std::size_t presence_limit)
    : hub_(hub),
      accounts_(accounts),
      sink_(sink),
      flood_(flood_limits),
      everyone_presence_(hub.online_users() < presence_limit) {}

std::string IrcFront::refusal_line(protocol::Error reason) {
  return "ERROR :Closing link: " + std::string(protocol::error_text(reason)) + "\r\n";
}

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
  ping_sent_ = false;
  if (quitting_) return;
  auto message = irc::parse(line);
  if (!message) {
    // Blank, tags only, or holding a NUL: ignored, as IRC does, but not free.
    charge(CommandClass::other);
    return;
  }
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

void IrcFront::on_login_deadline() {
  if (!user_id_ && !quitting_) quit("Registration timeout");
}

void IrcFront::on_idle() {
  if (quitting_) return;
  if (ping_sent_) return quit("Ping timeout");
  ping_sent_ = true;
  irc::Message ping;
  ping.source = irc::server_name;
  ping.command = "PING";
  ping.params = {std::string(irc::server_name)};
  send(ping);
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
    if (event->kind == protocol::Event::Kind::away &&
        (!away_notify_ || event->user_id == *user_id_)) {
      return;
    }
    if (event->kind == protocol::Event::Kind::typing && !message_tags_) return;
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
      if (event->kind == protocol::Event::Kind::leave ||
          event->kind == protocol::Event::Kind::kick) {
        channels_.erase(folded);
      }
    }
  }
  if (auto line = delivery.line(server_time_ ? Dialect::irc_tagged : Dialect::irc)) {
    sink_.send(std::move(line));
  }
}

void IrcFront::execute(const irc::Message& message) {
  const auto& command = message.command;
  const auto& params = message.params;
  // A command with several targets ("JOIN #a,#b") costs one token a target; more than
  // max_targets (ISUPPORT TARGMAX) are refused.
  const bool has_targets = command == "JOIN" || command == "PART" || command == "PRIVMSG" ||
                           command == "NOTICE" || command == "NAMES" || command == "TAGMSG";
  const auto targets = has_targets && !params.empty() ? target_count(params[0]) : 1;
  charge(command_class(command), static_cast<double>(std::min(targets, max_targets)));
  if (targets > max_targets) return reply("407", {params[0], "Too many targets"});
  if (command == "CAP") return capability(params);
  if (command == "AUTHENTICATE") return authenticate(params);
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
    // Values (sasl=PLAIN) only for clients of version 302, as the spec says.
    const bool values = params.size() > 1 && params[1] >= "302";
    std::string offered;
    for (const auto name : capability_names) {
      if (!offers(name)) continue;
      offered += (offered.empty() ? "" : " ") + std::string(name);
      if (name == "sasl" && values) offered += "=PLAIN";
    }
    cap.params.insert(cap.params.end(), {"LS", offered});
  } else if (sub == "LIST") {
    const std::array<bool, capability_names.size()> enabled = {
        server_time_, server_time_, echo_message_, multi_prefix_, batch_,
        chathistory_, sasl_,        away_notify_,  account_tag_};
    std::string listed;
    for (std::size_t i = 0; i < capability_names.size(); ++i) {
      if (enabled[i]) listed += (listed.empty() ? "" : " ") + std::string(capability_names[i]);
    }
    cap.params.insert(cap.params.end(), {"LIST", listed});
  } else if (sub == "REQ" && params.size() >= 2) {
    if (!user_id_) negotiating_ = true;
    const auto wanted = split(params[1], ' ');
    const auto name_of = [](const std::string& name) {
      return name.front() == '-' ? std::string_view(name).substr(1) : std::string_view(name);
    };
    // All or nothing, as the spec says.
    const bool all = std::all_of(wanted.begin(), wanted.end(),
                                 [&](const std::string& name) { return offers(name_of(name)); });
    if (all) {
      for (const auto& name : wanted) set_capability(name_of(name), name.front() != '-');
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

bool IrcFront::offers(std::string_view capability) const {
  if (capability == "sasl" || capability == "draft/chathistory" || capability == "account-tag") {
    return hub_.has_store();
  }
  return std::find(capability_names.begin(), capability_names.end(), capability) !=
         capability_names.end();
}

void IrcFront::set_capability(std::string_view capability, bool on) {
  // message-tags comes with server-time and account-tag: every tagged line carries @time,
  // @msgid and, from an account, @account.
  if (capability == "server-time" || capability == "message-tags" || capability == "account-tag") {
    server_time_ = on;
  }
  if (capability == "message-tags") message_tags_ = on;
  if (capability == "away-notify") away_notify_ = on;
  if (capability == "account-tag") account_tag_ = on;
  if (capability == "echo-message") echo_message_ = on;
  if (capability == "multi-prefix") multi_prefix_ = on;
  if (capability == "batch") batch_ = on;
  if (capability == "draft/chathistory") chathistory_ = on;
  if (capability == "sasl") sasl_ = on;
}

void IrcFront::authenticate(const Params& params) {
  if (user_id_ || sasl_account_) return reply("907", {"You have already authenticated"});
  if (!sasl_ || params.empty()) return reply("904", {"SASL authentication failed"});
  const auto& argument = params.front();
  if (argument == "*") {
    sasl_plain_ = false;
    sasl_payload_.clear();
    return reply("906", {"SASL authentication aborted"});
  }
  if (!sasl_plain_) {
    if (protocol::fold_case(argument) != "plain") {
      reply("908", {"PLAIN", "are available SASL mechanisms"});
      return reply("904", {"SASL authentication failed"});
    }
    sasl_plain_ = true;
    irc::Message go_on;
    go_on.command = "AUTHENTICATE";
    go_on.params = {"+"};
    return send(go_on);
  }
  if (argument != "+") sasl_payload_ += argument;
  if (sasl_payload_.size() > max_sasl_payload) {
    sasl_plain_ = false;
    sasl_payload_.clear();
    return reply("905", {"SASL message too long"});
  }
  if (argument.size() == 400) return;  // a full chunk: more follow
  sasl_plain_ = false;
  const auto credentials = decode_sasl_plain(std::exchange(sasl_payload_, {}));
  // Acting as someone else (an authorization identity of another account) is not offered.
  if (!credentials || (!credentials->authorization.empty() &&
                       protocol::fold_case(credentials->authorization) !=
                           protocol::fold_case(credentials->authentication))) {
    return reply("904", {"SASL authentication failed"});
  }
  charge(CommandClass::account);
  accounts_.verify_password(
      credentials->authentication, credentials->password, sink_.remote_address(),
      answer<Accounts::Verified>([this](Accounts::Verified verified) {
        if (std::holds_alternative<Error>(verified)) {
          return reply("904", {"SASL authentication failed"});
        }
        sasl_account_ = std::get<std::string>(verified);
        const auto& account = hub_.nickname(*sasl_account_);
        reply("900", {irc::user_source(account), account, "You are now logged in as " + account});
        reply("903", {"SASL authentication successful"});
      }));
}

void IrcFront::try_register() {
  if (user_id_ || negotiating_ || !got_user_ || nickname_.empty()) return;
  if (sasl_account_) return welcome_account(*sasl_account_);
  if (protocol::check_nickname(nickname_)) return reply("432", {nickname_, "Erroneous nickname"});
  // Answered at once on a single node; in a cluster, once no other node can have it.
  hub_.claim_nickname(
      nickname_, {}, answer<std::optional<Error>>([this](std::optional<Error> refused) {
        if (user_id_) return;
        if (!refused) {
          auto result = hub_.login(*this, nickname_, "address " + sink_.remote_address());
          if (const auto* id = std::get_if<std::string>(&result)) return welcome(*id, nickname_);
          refused = std::get<Error>(result);
        }
        registration_refused(*refused);
      }));
}

void IrcFront::registration_refused(Error error) {
  if (error == Error::cluster_unavailable) {
    return reply("437", {nickname_, "Nick is temporarily unavailable"});
  }
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
                              welcome_account(std::get<std::string>(verified));
                            }));
}

void IrcFront::welcome_account(const std::string& account_id) {
  welcome(account_id, hub_.attach(*this, account_id));
  for (const auto& room : hub_.joined_rooms(account_id)) {
    names(room);
    play_back(room);
  }
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
                "CHANMODES=,,,nt", "NETWORK=chat",
                "TOPICLEN=" + std::to_string(protocol::max_topic_length),
                fmt::format("TARGMAX=JOIN:{0},PART:{0},PRIVMSG:{0},NOTICE:{0},NAMES:{0},TAGMSG:{0}",
                            max_targets),
                "are supported by this server"});
  if (hub_.has_store()) {
    reply("005", {"CHATHISTORY=" + std::to_string(protocol::HistoryRange::max_limit),
                  "MSGREFTYPES=msgid,timestamp", "are supported by this server"});
  }
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
  if (command == "TAGMSG") return tag_message(message);
  if (command == "NAMES") {
    for (const auto& channel : split(param(0), ',')) names(channel);
    if (params.empty()) reply("366", {"*", "End of /NAMES list"});
    return;
  }
  if (command == "LIST") return list();
  if (command == "LINKS") return links();
  if (command == "CHATHISTORY") return chathistory(params);
  if (command == "WHO") return who(param(0));
  if (command == "WHOIS") {
    if (params.empty()) return reply("431", {"No nickname given"});
    return whois(params.back());
  }
  if (command == "ISON") {
    std::unordered_map<std::string, std::string> online;  // folded -> as spelt
    for (const auto& nick : hub_.nicknames()) online.emplace(protocol::fold_case(nick), nick);
    std::string present;
    for (const auto& asked : params) {
      for (const auto& name : split(asked, ' ')) {
        const auto found = online.find(protocol::fold_case(name));
        if (found != online.end()) present += (present.empty() ? "" : " ") + found->second;
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
  if (command == "TOPIC") return topic(params);
  if (command == "KICK") return kick(params);
  if (command == "AWAY") {
    const auto text = params.empty() ? std::string() : params.front();
    if (text.size() > max_away_length) return reply("417", {"Away message too long"});
    if (!text.empty() && protocol::check_message_text(text)) {
      return reply("421", {"AWAY", "Invalid away message"});
    }
    hub_.set_away(*user_id_, text);
    return text.empty() ? reply("305", {"You are no longer marked as being away"})
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
                     show_topic(std::get<std::string>(result));
                     names(std::get<std::string>(result));
                     play_back(std::get<std::string>(result));
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
  const auto text = irc::chat_text(params[1]);
  if (!text) return;  // a CTCP request or reply other than ACTION: chat has no place for it
  for (const auto& to : split(params[0], ',')) {
    hub_.send(*user_id_, *this, to_target(to), *text,
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

// TAGMSG carries client tags only; of those chat has +typing (IRCv3 typing), which the hub
// relays. Anything else, or a target that is not there, is dropped without a word, as TAGMSG
// has no reply.
void IrcFront::tag_message(const irc::Message& message) {
  if (message.params.empty()) return;
  for (const auto& [name, value] : message.tags) {
    if (name != "+typing" || (value != "active" && value != "paused" && value != "done")) continue;
    auto targets = split(message.params.front(), ',');
    std::sort(targets.begin(), targets.end());  // "#a,#a,#a" tells #a once
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    for (const auto& to : targets) {
      if (!is_everyone(to)) hub_.typing(*user_id_, *this, to_target(to), value);
    }
  }
}

void IrcFront::chathistory(const Params& params) {
  const auto fail = [this](std::string code, Params context, std::string text) {
    irc::Message failure;
    failure.source = irc::server_name;
    failure.command = "FAIL";
    failure.params = {"CHATHISTORY", std::move(code)};
    failure.params.insert(failure.params.end(), context.begin(), context.end());
    failure.params.push_back(std::move(text));
    send(failure);
  };
  if (!hub_.has_store()) return fail("INVALID_PARAMS", {}, "This server keeps no history");
  if (params.size() < 4) return fail("NEED_MORE_PARAMS", {}, "Missing parameters");
  const auto sub = protocol::fold_case(params[0]);
  protocol::HistoryRange range;
  if (sub == "latest") {
    range.kind = protocol::HistoryRange::Kind::latest;
  } else if (sub == "before") {
    range.kind = protocol::HistoryRange::Kind::before;
  } else if (sub == "after") {
    range.kind = protocol::HistoryRange::Kind::after;
  } else {
    return fail("INVALID_PARAMS", {params[0]}, "Supported: LATEST, BEFORE, AFTER");
  }
  const auto& reference = params[2];
  if (reference != "*") {
    const auto equals = reference.find('=');
    const auto type = reference.substr(0, equals);
    if (equals == std::string::npos || (type != "msgid" && type != "timestamp")) {
      return fail("INVALID_PARAMS", {params[0], reference}, "Invalid message reference");
    }
    range.anchor = reference.substr(equals + 1);
    // LATEST after a reference: the messages since it (the oldest first, up to the limit).
    if (range.kind == protocol::HistoryRange::Kind::latest) {
      range.kind = protocol::HistoryRange::Kind::after;
    }
  } else if (range.kind != protocol::HistoryRange::Kind::latest) {
    return fail("INVALID_PARAMS", {params[0], reference}, "Invalid message reference");
  }
  const auto limit =
      protocol::parse_decimal<std::size_t>(params[3], 1, protocol::HistoryRange::max_limit);
  if (!limit) return fail("INVALID_PARAMS", {params[0], params[3]}, "Invalid limit");
  range.limit = *limit;
  const auto target = params[1];
  hub_.history(*user_id_, to_target(target), range,
               answer<Hub::HistoryResult>([this, target, fail](Hub::HistoryResult result) {
                 if (const auto* error = std::get_if<Error>(&result)) {
                   const bool unknown =
                       *error == Error::no_such_room || *error == Error::no_such_user ||
                       *error == Error::not_member || *error == Error::room_name_invalid;
                   return fail(unknown ? "INVALID_TARGET" : "MESSAGE_ERROR", {"*", target},
                               std::string(protocol::error_text(*error)));
                 }
                 const auto& history = std::get<Hub::History>(result);
                 send_history(irc_target(history.target), history.page.messages);
               }));
}

void IrcFront::play_back(const std::string& room) {
  // A client without server-time would show old messages as new ones.
  if (!hub_.has_store() || chathistory_ || !server_time_) return;
  protocol::HistoryRange range;
  range.limit = playback_messages;
  hub_.history(*user_id_, {protocol::Target::Kind::room, room}, range,
               answer<Hub::HistoryResult>([this](Hub::HistoryResult result) {
                 const auto* history = std::get_if<Hub::History>(&result);
                 if (history && !history->page.messages.empty()) {
                   send_history(irc_target(history->target), history->page.messages);
                 }
               }));
}

void IrcFront::send_history(const std::string& target,
                            const std::vector<protocol::ChatMessage>& messages) {
  std::string reference;
  irc::Message batch;
  batch.source = irc::server_name;
  batch.command = "BATCH";
  if (batch_) {
    reference = "history" + std::to_string(++batches_);
    batch.params = {"+" + reference, "chathistory", target};
    send(batch);
  }
  for (const auto& message : messages)
    send_line(irc::format_message(message, server_time_, reference));
  if (batch_) {
    batch.params = {"-" + reference};
    send(batch);
  }
}

void IrcFront::show_topic(const std::string& channel) {
  const auto topic = hub_.topic(channel);
  if (!topic || topic->text.empty()) return reply("331", {channel, "No topic is set"});
  reply("332", {channel, topic->text});
  reply("333", {channel, topic->set_by, std::to_string(protocol::unix_seconds(topic->time))});
}

void IrcFront::topic(const Params& params) {
  if (params.empty()) return reply("461", {"TOPIC", "Not enough parameters"});
  const auto& channel = params[0];
  if (is_everyone(channel)) {
    if (params.size() > 1) return reply("482", {channel, "Everyone's channel has no topic"});
    return reply("331", {channel, "No topic is set"});
  }
  if (!hub_.topic(channel)) return reply("403", {channel, "No such channel"});
  if (params.size() == 1) return show_topic(channel);
  // A change shows as the TOPIC line that every member, this client too, gets from the hub.
  if (!channels_.contains(protocol::fold_case(channel))) {
    return reply("442", {channel, "You're not on that channel"});
  }
  hub_.set_topic(*user_id_, channel, params[1],
                 answer<Hub::RoomResult>([this, channel](Hub::RoomResult result) {
                   const auto* error = std::get_if<Error>(&result);
                   if (!error) return;
                   if (*error == Error::not_room_owner) {
                     return reply("482", {channel, "You're not channel operator"});
                   }
                   irc::Message failure;
                   failure.source = irc::server_name;
                   failure.command = "FAIL";
                   failure.params = {"TOPIC", "INVALID_TOPIC", channel,
                                     std::string(protocol::error_text(*error))};
                   send(failure);
                 }));
}

void IrcFront::kick(const Params& params) {
  if (params.size() < 2) return reply("461", {"KICK", "Not enough parameters"});
  const auto& channel = params[0];
  const auto& nickname = params[1];
  if (is_everyone(channel)) return reply("482", {channel, "Nobody can be kicked from here"});
  // The reason is not kept: the KICK line everyone gets gives the kicker's name instead.
  hub_.kick(*user_id_, channel, nickname,
            answer<Hub::RoomResult>([this, channel, nickname](Hub::RoomResult result) {
              const auto* error = std::get_if<Error>(&result);
              if (!error) return;
              switch (*error) {
                case Error::no_such_room:
                  return reply("403", {channel, "No such channel"});
                case Error::not_room_owner:
                  return reply("482", {channel, "You're not channel operator"});
                case Error::no_such_user:
                  return reply("401", {nickname, "No such nick/channel"});
                case Error::not_member:
                  return reply("441", {nickname, channel, "They aren't on that channel"});
                default:
                  return reply("482", {channel, std::string(protocol::error_text(*error))});
              }
            }));
}

void IrcFront::names(const std::string& channel) {
  std::vector<std::string> members;
  std::string shown = channel;
  if (is_everyone(channel)) {
    // An auditorium shows only the client itself: it hears of nobody else coming or going.
    members = everyone_presence_ ? hub_.nicknames() : std::vector<std::string>{nickname_};
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
  const auto nicknames = hub_.nicknames();
  const std::unordered_set<std::string> online(nicknames.begin(), nicknames.end());
  for (const auto& nick : people) {
    const bool here = online.count(nick) > 0 && hub_.away_message(nick).empty();
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
    if (const auto away = hub_.away_message(*found); !away.empty()) reply("301", {*found, away});
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

void IrcFront::links() {
  // Every node of the network is one hop away: they meet on the bus, not in a tree.
  for (const auto& node : hub_.nodes()) {
    reply("364", {node.name, node.name,
                  fmt::format("0 {} {} {} users", node.kind, node.address, node.users)});
  }
  reply("365", {"*", "End of /LINKS list"});
}

void IrcFront::rename(const std::string& nickname) {
  if (protocol::check_nickname(nickname)) return reply("432", {nickname, "Erroneous nickname"});
  hub_.claim_nickname(nickname, *user_id_,
                      answer<std::optional<Error>>([this, nickname](std::optional<Error> refused) {
                        if (!user_id_) return;
                        if (!refused) refused = hub_.rename(*user_id_, *this, nickname);
                        if (refused) return rename_refused(nickname, *refused);
                        renamed(nickname);
                      }));
}

void IrcFront::rename_refused(const std::string& nickname, Error error) {
  if (error == Error::cluster_unavailable) {
    return reply("437", {nickname, "Nick is temporarily unavailable"});
  }
  reply("433",
        {nickname, error == Error::nickname_registered ? "Nickname is registered to someone else"
                                                       : "Nickname is already in use"});
}

void IrcFront::renamed(const std::string& nickname) {
  const auto previous = std::exchange(nickname_, nickname);
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
