#include "chatd/fronts/native_front.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include "protocol/names.hpp"
#include "protocol/server_line.hpp"
#include "protocol/text.hpp"

namespace chat {
namespace {

using protocol::Verb;

constexpr std::string_view help_text =
    "Commands: USERNAME <name> | SEND <text> | MSG <*|#room|@user> <text> | JOIN <#room> | "
    "LEAVE <#room> | CREATE <#room> | DESTROY <#room> | TOPIC <#room> [text] | "
    "KICK <#room> <user> | ROOMS | USERS | MEMBERS <#room> | OWNER <#room> | "
    "TYPING <#room|@user> active|paused|done | "
    "JOINED | CONVERSATIONS | REGISTER <password> | LOGIN <name> <password> | RESUME <token> | "
    "PASSWORD <old> <new> | HISTORY <target> [BEFORE|AFTER <id|time>] [n] | "
    "READ <target> [id] | NODES | PROVIDERS | AUTHORIZE <provider> <redirect-uri> | "
    "SIGNIN <state> <code> | LOGOUT | QUIT | PING [token] | RICH | HELP";

// Plain mode stays silent on success (seed 002) and answers only questions.
bool answers_in_plain_mode(Verb verb) {
  return verb == Verb::rooms || verb == Verb::users || verb == Verb::members ||
         verb == Verb::help || verb == Verb::joined || verb == Verb::read ||
         verb == Verb::conversations || verb == Verb::providers || verb == Verb::authorize ||
         verb == Verb::owner || verb == Verb::nodes;
}

CommandClass command_class(std::optional<Verb> verb) {
  if (!verb) return CommandClass::other;
  switch (*verb) {
    case Verb::send:
    case Verb::msg:
    case Verb::read:  // a write to the store and an event to the account's other connections
      return CommandClass::message;
    case Verb::typing:  // an event to a room, nothing stored: cheaper than a message
      return CommandClass::query;
    case Verb::username:
      return CommandClass::nickname;
    case Verb::join:
    case Verb::leave:
    case Verb::kick:
      return CommandClass::membership;
    case Verb::create:
    case Verb::destroy:
    case Verb::topic:
      return CommandClass::room;
    case Verb::register_account:
    case Verb::login:
    case Verb::resume:
    case Verb::password:
    case Verb::logout:
    case Verb::authorize:
    case Verb::signin:
      return CommandClass::account;
    case Verb::rooms:
    case Verb::users:
    case Verb::members:
    case Verb::owner:
    case Verb::history:
    case Verb::joined:
    case Verb::conversations:
    case Verb::providers:
    case Verb::nodes:
      return CommandClass::query;
    default:
      return CommandClass::other;
  }
}

}  // namespace

NativeFront::NativeFront(Hub& hub, Accounts& accounts, LineSink& sink,
                         const FloodLimits& flood_limits)
    : hub_(hub), accounts_(accounts), sink_(sink), flood_(flood_limits) {}

std::string NativeFront::refusal_line(protocol::Error reason) {
  // The client's mode is not known yet: plain mode's error line, which seed 002 clients read.
  return protocol::format_plain_error(reason) + "\n";
}

void NativeFront::charge(CommandClass kind, double cost) {
  const auto wait = flood_.charge(kind, FloodControl::Clock::now(), cost);
  if (wait > FloodControl::Clock::duration::zero()) sink_.hold_input(wait);
}

template <typename Value, typename Handler>
std::function<void(Value)> NativeFront::answer(Handler handler, bool pause) {
  if (pause) sink_.pause_input();
  const auto slot = writing_;
  ++answers_[slot - first_answer_].waiting;
  return [this, open = std::weak_ptr<int>(open_), handler = std::move(handler), slot,
          pause](Value value) {
    if (open.expired()) return;
    const auto outer = std::exchange(writing_, slot);
    handler(std::move(value));
    writing_ = outer;
    if (open.expired()) return;
    --answers_[slot - first_answer_].waiting;
    flush_answers();
    if (pause) sink_.resume_input();
  };
}

void NativeFront::on_line(std::string_view line) {
  if (quitting_) return;
  if (line.empty()) {
    charge(CommandClass::other);  // ignored, but not free
    return;
  }
  begin_answer();
  auto parsed = protocol::parse_command(line);
  if (const auto* failure = std::get_if<protocol::CommandError>(&parsed)) {
    charge(command_class(failure->verb));
    reply_error(failure->verb, failure->error);
  } else {
    const auto& command = std::get<protocol::Command>(parsed);
    charge(command_class(command.verb));
    execute(command);
  }
  end_answer();
}

void NativeFront::on_line_too_long() {
  if (quitting_) return;
  charge(CommandClass::other);
  begin_answer();
  reply_error(std::nullopt, protocol::Error::line_too_long);
  end_answer();
}

void NativeFront::on_input_end() {
  quitting_ = true;  // without logging out: closing does that
  flush_answers();
}

void NativeFront::on_login_deadline() {
  if (user_id_ || quitting_) return;
  begin_answer();
  reply_error(std::nullopt, protocol::Error::login_timeout);
  end_answer();
  quitting_ = true;  // closes once the answers before are out
  flush_answers();
}

// chatd's protocol has no server PING (seed 002's nc users would see it): an idle connection
// stays, and TCP tells when it is gone.
void NativeFront::on_idle() {}

void NativeFront::begin_answer() {
  writing_ = first_answer_ + answers_.size();
  answers_.push_back({{}, 1});
}

void NativeFront::end_answer() {
  --answers_[writing_ - first_answer_].waiting;
  flush_answers();
}

void NativeFront::flush_answers() {
  while (!answers_.empty() && answers_.front().waiting == 0) {
    for (auto& line : answers_.front().lines) sink_.send(std::move(line));
    answers_.pop_front();
    ++first_answer_;
  }
  // QUIT (or the end of input) closes once everything before is answered, QUIT's OK included.
  if (quitting_ && answers_.empty()) sink_.close_after_flush();
}

void NativeFront::on_close() {
  log_out();
  open_.reset();
}

void NativeFront::log_out() {
  if (!user_id_) return;
  token_.clear();
  hub_.detach(*std::exchange(user_id_, std::nullopt), *this);
}

void NativeFront::deliver(const Delivery& delivery) {
  // Rich clients get their own messages back with the server's id and time (seed 003);
  // plain clients never see what they sent themselves (seed 002).
  if (dialect_ == Dialect::plain && delivery.origin() == this) return;
  if (auto line = delivery.line(dialect_)) sink_.send(std::move(line));
}

void NativeFront::execute(const protocol::Command& command) {
  switch (command.verb) {
    case Verb::rich:
      dialect_ = command.name.empty() ? Dialect::rich : Dialect::rich_multiline;
      if (user_id_) hub_.refresh_events(*user_id_, *this);
      reply(Verb::rich, command.name.empty() ? std::vector<std::string>{}
                                             : std::vector<std::string>{command.name});
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
      // QUIT ends the connection, not the session: the token stays valid for a later RESUME.
      log_out();
      quitting_ = true;  // the connection closes once the answers are out (flush_answers)
      return;
    case Verb::rooms:
      reply(Verb::rooms, hub_.room_names());
      return;
    case Verb::users:
      reply(Verb::users, hub_.nicknames());
      return;
    case Verb::nodes: {
      // One field a node: name,address,kind,users,uptime-seconds (names and kinds hold no comma).
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      std::vector<std::string> fields;
      for (const auto& node : hub_.nodes()) {
        fields.push_back(fmt::format("{},{},{},{},{}", node.name, node.address, node.kind,
                                     node.users, std::max(0LL, now - node.started)));
      }
      reply(Verb::nodes, fields);
      return;
    }
    case Verb::owner: {
      // The room's name as created, then its owner's nickname, or "-" once a guest owner has
      // gone (then any member may moderate it).
      auto members = hub_.members(command.name);
      if (const auto* error = std::get_if<protocol::Error>(&members)) {
        reply_error(Verb::owner, *error);
        return;
      }
      const auto owner = hub_.owner_nickname(command.name);
      reply(Verb::owner,
            {std::get<std::vector<std::string>>(members).front(), owner.value_or("-")});
      return;
    }
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
      } else {
        rename(command.name);
      }
      return;
    case Verb::providers:
      reply(Verb::providers, accounts_.provider_names());
      return;
    case Verb::authorize:
      authorize(command);
      return;
    case Verb::signin:
      sign_in(command);
      return;
    case Verb::login:
    case Verb::resume:
      if (user_id_) {
        reply_error(command.verb, protocol::Error::already_logged_in);
      } else {
        log_in_to_account(command);
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
  const auto verb = command.verb;
  std::string text;
  const auto room_answer = [this, verb] {
    return answer<Hub::RoomResult>(
        [this, verb](Hub::RoomResult result) { reply_outcome(verb, result); });
  };
  switch (verb) {
    case Verb::send:
    case Verb::msg:
      // Not paused: the next messages may join the same store batch. Bounded all the same.
      if (++messages_in_flight_ == max_messages_in_flight) sink_.pause_input();
      // RICH MULTILINE: the text's line breaks come escaped.
      text = dialect_ == Dialect::rich_multiline ? protocol::unescape_line_breaks(command.text)
                                                 : command.text;
      // Each ten lines of a multi-line message cost as much as a message more: one MSG makes
      // up to 100 lines for every member.
      charge(CommandClass::message,
             static_cast<double>(std::count(text.begin(), text.end(), '\n') / 10));
      hub_.send(user_id, *this, command.target, text,
                answer<Hub::MessageResult>(
                    [this, verb](Hub::MessageResult sent) {
                      if (messages_in_flight_-- == max_messages_in_flight) sink_.resume_input();
                      if (const auto* error = std::get_if<protocol::Error>(&sent)) {
                        reply_error(verb, *error);
                      } else {
                        const auto& message = std::get<protocol::ChatMessage>(sent);
                        reply(verb, {message.id, message.time});
                      }
                    },
                    /*pause=*/false));
      return;
    case Verb::create:
      hub_.create_room(user_id, command.name, room_answer());
      return;
    case Verb::topic: {
      if (!command.topic) {
        const auto topic = hub_.topic(command.name);
        if (!topic) return reply_error(verb, protocol::Error::no_such_room);
        // A question, so plain mode answers it too.
        if (dialect_ == Dialect::plain)
          return send_line("TOPIC " + command.name + " " + topic->text);
        return reply(verb, {command.name, topic->text});
      }
      hub_.set_topic(
          user_id, command.name, *command.topic,
          answer<Hub::RoomResult>([this, topic = *command.topic](Hub::RoomResult result) {
            if (const auto* error = std::get_if<protocol::Error>(&result)) {
              return reply_error(Verb::topic, *error);
            }
            reply(Verb::topic, {std::get<std::string>(result), topic});
          }));
      return;
    }
    case Verb::kick:
      hub_.kick(
          user_id, command.name, command.target.name,
          answer<Hub::RoomResult>([this, nickname = command.target.name](Hub::RoomResult result) {
            if (const auto* error = std::get_if<protocol::Error>(&result)) {
              return reply_error(Verb::kick, *error);
            }
            reply(Verb::kick, {std::get<std::string>(result), nickname});
          }));
      return;
    case Verb::destroy:
      hub_.destroy_room(user_id, command.name, room_answer());
      return;
    case Verb::join:
      hub_.join_room(user_id, command.name, room_answer());
      return;
    case Verb::leave:
      hub_.leave_room(user_id, command.name, room_answer());
      return;
    case Verb::joined:
      reply(Verb::joined, hub_.joined_rooms(user_id));
      return;
    case Verb::typing:
      if (const auto error = hub_.typing(user_id, *this, command.target, command.name)) {
        return reply_error(verb, *error);
      }
      reply(verb);
      return;
    case Verb::conversations:
      hub_.conversations(user_id,
                         answer<std::vector<std::string>>([this](std::vector<std::string> names) {
                           reply(Verb::conversations, names);
                         }));
      return;
    case Verb::register_account:
      register_account(command, user_id);
      return;
    case Verb::password:
      change_password(command, user_id);
      return;
    case Verb::history:
      send_history(command, user_id);
      return;
    case Verb::read:
      hub_.read_marker(user_id, *this, command.target, command.name,
                       answer<Hub::MarkerResult>([this](Hub::MarkerResult result) {
                         if (const auto* error = std::get_if<protocol::Error>(&result)) {
                           reply_error(Verb::read, *error);
                         } else {
                           const auto& marker = std::get<Hub::Marker>(result);
                           reply(Verb::read, {marker.target, marker.message_id.value_or("-")});
                         }
                       }));
      return;
    case Verb::logout:
      // Only an explicit LOGOUT ends the session; a dropped connection may come back with it.
      if (!token_.empty()) accounts_.revoke_token(token_);
      log_out();
      sink_.restart_login_deadline();
      reply(Verb::logout);
      return;
    default:
      return;
  }
}

void NativeFront::log_in(const std::string& nickname) {
  // Answered at once on a single node; in a cluster, once no other node can have it.
  hub_.claim_nickname(nickname, {},
                      answer<std::optional<protocol::Error>>(
                          [this, nickname](std::optional<protocol::Error> refused) {
                            if (refused) return reply_error(Verb::username, *refused);
                            auto result =
                                hub_.login(*this, nickname, "address " + sink_.remote_address());
                            if (const auto* error = std::get_if<protocol::Error>(&result)) {
                              return reply_error(Verb::username, *error);
                            }
                            user_id_ = std::move(std::get<std::string>(result));
                            reply(Verb::username, {nickname, *user_id_});
                          }));
}

void NativeFront::rename(const std::string& nickname) {
  hub_.claim_nickname(nickname, *user_id_,
                      answer<std::optional<protocol::Error>>(
                          [this, nickname](std::optional<protocol::Error> refused) {
                            if (!user_id_) return;  // logged out meanwhile
                            if (!refused) refused = hub_.rename(*user_id_, *this, nickname);
                            if (refused) return reply_error(Verb::username, *refused);
                            reply(Verb::username, {nickname, *user_id_});
                          }));
}

void NativeFront::log_in_to_account(const protocol::Command& command) {
  const auto verb = command.verb;
  auto verified =
      answer<Accounts::Verified>([this, verb, resumed = command.name](Accounts::Verified account) {
        if (const auto* error = std::get_if<protocol::Error>(&account)) {
          reply_error(verb, *error);
          return;
        }
        const auto& id = std::get<std::string>(account);
        hub_.attach(*this, id);
        user_id_ = id;
        // Each password login is a new session (a device); a resumed one keeps its token.
        if (verb == Verb::resume) return logged_in(resumed);
        start_session(verb);
      });
  if (verb == Verb::resume) {
    accounts_.verify_token(command.name, std::move(verified));
  } else {
    accounts_.verify_password(command.name, command.password, sink_.remote_address(),
                              std::move(verified));
  }
}

void NativeFront::start_session(Verb verb) {
  accounts_.issue_token(*user_id_,
                        answer<std::variant<std::string, protocol::Error>>(
                            [this, verb](std::variant<std::string, protocol::Error> token) {
                              if (const auto* error = std::get_if<protocol::Error>(&token)) {
                                // The login failed after all: no half-logged-in state.
                                log_out();
                                reply_error(verb, *error);
                                return;
                              }
                              logged_in(std::get<std::string>(token));
                            }));
}

void NativeFront::logged_in(const std::string& token) {
  token_ = token;
  const auto& id = *user_id_;
  reply(Verb::login, {hub_.nickname(id), id, token});
  // Private messages kept while the account was offline come right after.
  hub_.take_pending(id, answer<std::vector<protocol::ChatMessage>>(
                            [this](std::vector<protocol::ChatMessage> messages) {
                              for (auto& message : messages) {
                                const Delivery delivery(std::move(message), nullptr);
                                send_line(delivery.line(dialect_));
                              }
                            }));
}

void NativeFront::authorize(const protocol::Command& command) {
  // A guest has no account to link an identity to, and is signed in already.
  if (user_id_ && !hub_.is_registered(*user_id_))
    return reply_error(Verb::authorize, protocol::Error::already_logged_in);
  auto* social = accounts_.social();
  if (!social || !hub_.has_store())
    return reply_error(Verb::authorize, protocol::Error::no_such_provider);
  social->authorize(
      command.name, command.text, user_id_.value_or(""),
      answer<std::variant<std::string, protocol::Error>>(
          [this, provider = command.name](std::variant<std::string, protocol::Error> url) {
            if (const auto* error = std::get_if<protocol::Error>(&url))
              return reply_error(Verb::authorize, *error);
            reply(Verb::authorize, {provider, std::get<std::string>(url)});
          }));
}

void NativeFront::sign_in(const protocol::Command& command) {
  auto* social = accounts_.social();
  if (!social) return reply_error(Verb::signin, protocol::Error::no_such_provider);
  social->linking_account(
      command.name, answer<std::variant<std::string, protocol::Error>>(
                        [this, command](std::variant<std::string, protocol::Error> linking) {
                          if (const auto* error = std::get_if<protocol::Error>(&linking))
                            return reply_error(Verb::signin, *error);
                          const auto& account = std::get<std::string>(linking);
                          // Refused before the state is used up, so that it can be sent again where
                          // it belongs.
                          if (account.empty() && user_id_)
                            return reply_error(Verb::signin, protocol::Error::already_logged_in);
                          if (!account.empty() && user_id_ != account)
                            return reply_error(Verb::signin, protocol::Error::link_needs_account);
                          finish_sign_in(command);
                        }));
}

void NativeFront::finish_sign_in(const protocol::Command& command) {
  auto* social = accounts_.social();
  using Completed = oidc::SocialSignIn::Completed;
  social->complete(
      command.name, command.text,
      answer<std::variant<Completed, protocol::Error>>(
          [this](std::variant<Completed, protocol::Error> result) {
            if (const auto* error = std::get_if<protocol::Error>(&result))
              return reply_error(Verb::signin, *error);
            auto& completed = std::get<Completed>(result);
            if (!completed.linking_account.empty()) return link_identity(completed);
            if (user_id_) return reply_error(Verb::signin, protocol::Error::already_logged_in);
            accounts_.find_identity(
                completed.identity,
                answer<std::variant<std::optional<std::string>, protocol::Error>>(
                    [this, identity = completed.identity](
                        std::variant<std::optional<std::string>, protocol::Error> found) {
                      if (const auto* error = std::get_if<protocol::Error>(&found))
                        return reply_error(Verb::signin, *error);
                      // Another connection may have logged in meanwhile.
                      if (user_id_)
                        return reply_error(Verb::signin, protocol::Error::already_logged_in);
                      if (const auto& account = std::get<std::optional<std::string>>(found)) {
                        hub_.attach(*this, *account);
                        user_id_ = *account;
                        return start_session(Verb::signin);
                      }
                      sign_up(identity);
                    }));
          }));
}

// Links the identity to the account that asked, on a connection logged in to that account:
// a link started by one account and finished in another's browser would give the first a way
// into the second's provider identity.
void NativeFront::link_identity(const oidc::SocialSignIn::Completed& completed) {
  if (user_id_ != completed.linking_account)
    return reply_error(Verb::signin, protocol::Error::link_needs_account);
  accounts_.link_identity(
      completed.identity, *user_id_,
      answer<std::optional<protocol::Error>>(
          [this, provider = completed.provider](std::optional<protocol::Error> error) {
            if (error) return reply_error(Verb::signin, *error);
            reply(Verb::signin, {provider});
          }));
}

// A first sign-in: a new account under a nickname from the profile (free, changeable later),
// with no password, linked to the identity.
void NativeFront::sign_up(const oidc::Identity& identity) {
  if (!accounts_.begin_sign_up(identity))
    return reply_error(Verb::signin, protocol::Error::signin_busy);
  const auto nickname =
      hub_.free_nickname(protocol::nickname_from_profile(identity.preferred_username));
  auto claimed = answer<std::optional<protocol::Error>>(
      [this, identity, nickname](std::optional<protocol::Error> refused) {
        if (!refused) {
          auto guest = hub_.login(*this, nickname);
          if (auto* id = std::get_if<std::string>(&guest)) {
            user_id_ = std::move(*id);
            return create_signed_up_account(identity);
          }
          refused = std::get<protocol::Error>(guest);
        }
        accounts_.end_sign_up(identity);
        reply_error(Verb::signin, *refused);
      });
  hub_.claim_nickname(nickname, {},
                      [&accounts = accounts_, identity, open = std::weak_ptr<int>(open_),
                       claimed = std::move(claimed)](std::optional<protocol::Error> refused) {
                        // Gone meanwhile: nobody is left to finish the sign-up.
                        if (open.expired()) return accounts.end_sign_up(identity);
                        claimed(refused);
                      });
}

void NativeFront::create_signed_up_account(const oidc::Identity& identity) {
  auto answered =
      answer<std::optional<protocol::Error>>([this](std::optional<protocol::Error> error) {
        if (error) {
          log_out();
          return reply_error(Verb::signin, *error);
        }
        start_session(Verb::signin);
      });
  // The account and its identity in one transaction; the sign-up ends when it does, whether or
  // not this connection is still there to hear of it.
  hub_.register_account(*user_id_, "", store::Identity{identity.issuer, identity.subject},
                        [&accounts = accounts_, identity,
                         answered = std::move(answered)](std::optional<protocol::Error> error) {
                          accounts.end_sign_up(identity);
                          answered(error);
                        });
}

void NativeFront::register_account(const protocol::Command& command, const std::string& user_id) {
  if (hub_.is_registered(user_id)) {
    // An account from a social sign-in may take a password, for the console client and IRC.
    return accounts_.set_first_password(
        user_id, command.password,
        answer<std::optional<protocol::Error>>(
            [this, user_id](std::optional<protocol::Error> error) {
              if (error) return reply_error(Verb::register_account, *error);
              reply(Verb::register_account, {hub_.nickname(user_id), user_id});
            }));
  }
  accounts_.hash_password(
      command.password,
      answer<std::variant<std::string, protocol::Error>>(
          [this, user_id](std::variant<std::string, protocol::Error> hash) {
            if (const auto* error = std::get_if<protocol::Error>(&hash)) {
              reply_error(Verb::register_account, *error);
              return;
            }
            hub_.register_account(
                user_id, std::move(std::get<std::string>(hash)), std::nullopt,
                answer<std::optional<protocol::Error>>(
                    [this, user_id](std::optional<protocol::Error> error) {
                      if (error) return reply_error(Verb::register_account, *error);
                      reply(Verb::register_account, {hub_.nickname(user_id), user_id});
                    }));
          }));
}

void NativeFront::change_password(const protocol::Command& command, const std::string& user_id) {
  if (!hub_.is_registered(user_id))
    return reply_error(Verb::password, protocol::Error::not_registered);
  accounts_.change_password(
      user_id, command.password, command.new_password, token_,
      answer<std::optional<protocol::Error>>([this](std::optional<protocol::Error> error) {
        if (error) return reply_error(Verb::password, *error);
        reply(Verb::password);
      }));
}

void NativeFront::send_history(const protocol::Command& command, const std::string& user_id) {
  hub_.history(user_id, command.target, command.range,
               answer<Hub::HistoryResult>([this](Hub::HistoryResult result) {
                 if (const auto* error = std::get_if<protocol::Error>(&result)) {
                   reply_error(Verb::history, *error);
                   return;
                 }
                 const auto& [target, page] = std::get<Hub::History>(result);
                 for (const auto& message : page.messages) {
                   if (dialect_ != Dialect::plain) {
                     send_line(protocol::format_history_message(
                         message, dialect_ == Dialect::rich_multiline));
                     continue;
                   }
                   // Plain mode: a line of history for each line of a multi-line message.
                   std::string_view text = message.text;
                   for (auto end = text.find('\n');; end = text.find('\n')) {
                     send_line("HISTORY " + message.time + " " + message.target + " " +
                               message.sender + " " + std::string(text.substr(0, end)));
                     if (end == std::string_view::npos) break;
                     text.remove_prefix(end + 1);
                   }
                 }
                 reply(Verb::history,
                       {target, std::to_string(page.messages.size()), page.more ? "more" : "end"});
               }));
}

void NativeFront::reply(Verb verb, const std::vector<std::string>& fields) {
  if (dialect_ != Dialect::plain) {
    send_line(protocol::format_reply(verb, fields));
  } else if (answers_in_plain_mode(verb)) {
    std::string line(protocol::verb_name(verb));
    for (const auto& field : fields) line += ' ' + field;
    send_line(std::move(line));
  }
}

void NativeFront::reply_error(std::optional<Verb> verb, protocol::Error error) {
  send_line(dialect_ != Dialect::plain ? protocol::format_rich_error(verb, error)
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
  send_line(std::make_shared<const std::string>(std::move(line)));
}

void NativeFront::send_line(std::shared_ptr<const std::string> line) {
  answers_[writing_ - first_answer_].lines.push_back(std::move(line));
}

}  // namespace chat
