#include "cli/chat_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <utility>

#include "cli/command_line.hpp"
#include "protocol/names.hpp"
#include "protocol/text.hpp"

namespace chat::cli {
namespace {

using protocol::Command;
using protocol::Target;
using protocol::Verb;

bool same_name(std::string_view a, std::string_view b) {
  return protocol::fold_case(a) == protocol::fold_case(b);
}

// What a failed command was, for its error line: a message's target but not its text, and
// never a password or a session token.
std::string context_of(const Command& command) {
  switch (command.verb) {
    case Verb::msg:
    case Verb::history:
      return fmt::format("{} {}", protocol::verb_name(command.verb), command.target.to_string());
    case Verb::login:
      return fmt::format("{} {}", protocol::verb_name(command.verb), command.name);
    case Verb::register_account:
    case Verb::password:
    case Verb::resume:
      return std::string(protocol::verb_name(command.verb));
    default:
      return protocol::format_command(command);
  }
}

std::string seconds(std::chrono::milliseconds delay) {
  return fmt::format("{:.1f}s", static_cast<double>(delay.count()) / 1000);
}

// "1 command was", "3 commands were"
std::string commands(std::ptrdiff_t count) {
  return count == 1 ? "1 command was" : fmt::format("{} commands were", count);
}

// A script that cannot reach chatd after this many tries in a row fails rather than wait forever
// (with the delays between tries, some 7 seconds).
constexpr int tries_in_a_script = 5;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

ChatClient::ChatClient(asio::io_context& io, const Options& options, Terminal& terminal,
                       Display display)
    : io_(io),
      terminal_(terminal),
      display_(display),
      connection_(
          io, options.host, options.port,
          {[this] { on_connected(); }, [this](std::string_view line) { on_server_line(line); },
           [this](const std::string& reason, bool was_connected, std::chrono::milliseconds retry_in,
                  int failures) {
             on_connection_lost(reason, was_connected, retry_in, failures);
           }}),
      signals_(io, SIGINT, SIGTERM, SIGHUP),
      nickname_(options.nickname),
      rooms_(options.rooms) {}

void ChatClient::start() {
  phase_ = nickname_ ? Phase::connecting : Phase::asking_nickname;
  signals_.async_wait([this](asio::error_code error, int signal) {
    // Ctrl-C is how people leave a console program; anything else ends a script early.
    if (!error) finish(signal == SIGINT && terminal_.interactive() ? 0 : 128 + signal);
  });
  terminal_.set_completer([this](std::string_view word) { return complete(word); });
  update_prompt();
  terminal_.start([this](std::string line) { on_input(line); }, [this] { on_input_end(); });
  if (phase_ == Phase::asking_nickname && terminal_.interactive()) {
    terminal_.note(display_.notice("choose a nickname to log in (or /quit)"));
  }
  connection_.start();
  update_input();
}

void ChatClient::on_connected() {
  terminal_.note(display_.notice(fmt::format("connected to {}", connection_.address())));
  roster_.clear();
  // MULTILINE: a multi-line message arrives as one line, its line breaks escaped.
  send(Command{Verb::rich, "MULTILINE", {}, {}, {}, {}, {}}, Origin::client);
  if (phase_ == Phase::connecting) log_in();
  update_input();
}

void ChatClient::on_connection_lost(const std::string& reason, bool was_connected,
                                    std::chrono::milliseconds retry_in, int failures) {
  const auto unconfirmed = std::count_if(pending_.begin(), pending_.end(), [](const auto& pending) {
    return pending.origin == Origin::person && pending.command.verb != Verb::quit;
  });
  pending_.clear();
  if (quitting_) {
    finish(0);
    return;
  }
  if (!terminal_.interactive()) {
    // A script cannot tell whether what it sent took effect, nor wait for a person to notice.
    if (unconfirmed > 0) {
      fail(fmt::format("the connection to {} broke ({}); {} not confirmed by chatd",
                       connection_.address(), reason, commands(unconfirmed)),
           1);
      return;
    }
    if (input_ended_) {
      fail("the connection broke before chatd answered everything", 1);
      return;
    }
    if (failures >= tries_in_a_script) {
      fail(fmt::format("cannot reach chatd at {} ({}); gave up after {} tries",
                       connection_.address(), reason, failures),
           1);
      return;
    }
  }
  terminal_.note(display_.warning(
      was_connected ? fmt::format("lost the connection to {} ({}); reconnecting in {}",
                                  connection_.address(), reason, seconds(retry_in))
                    : fmt::format("cannot connect to {} ({}); trying again in {}",
                                  connection_.address(), reason, seconds(retry_in))));
  if (unconfirmed > 0) {
    terminal_.note(display_.warning(fmt::format(
        "{} not confirmed by chatd before the connection broke", commands(unconfirmed))));
  }
  if (phase_ == Phase::ready) rejoining_ = true;
  if (phase_ == Phase::ready || phase_ == Phase::logging_in) phase_ = Phase::connecting;
  update_prompt();
  update_input();
}

namespace {

// A message as RICH MULTILINE carries it, with its line breaks back.
protocol::ChatMessage unescaped(protocol::ChatMessage message) {
  message.text = protocol::unescape_line_breaks(message.text);
  return message;
}

}  // namespace

void ChatClient::on_server_line(std::string_view line) {
  const auto parsed = protocol::parse_server_line(line);
  if (!parsed) return;  // not rich mode: nothing chatd sends once RICH is answered
  if (const auto* message = std::get_if<protocol::ChatMessage>(&*parsed)) {
    roster_.add_user(message->sender);
    terminal_.show(display_.message(unescaped(*message)));
  } else if (const auto* stored = std::get_if<protocol::HistoryMessage>(&*parsed)) {
    terminal_.show(display_.message(unescaped(stored->message)));
  } else if (const auto* event = std::get_if<protocol::Event>(&*parsed)) {
    on_event(*event);
  } else if (!pending_.empty()) {
    const auto pending = std::move(pending_.front());
    pending_.pop_front();
    if (const auto* reply = std::get_if<protocol::Reply>(&*parsed)) {
      on_reply(*reply, pending);
    } else {
      on_error(std::get<protocol::ErrorReply>(*parsed), pending);
    }
  }
  update_input();
}

void ChatClient::on_reply(const protocol::Reply& reply, const Pending& pending) {
  const auto& command = pending.command;
  const auto first_field = reply.fields.empty() ? command.name : reply.fields.front();
  switch (command.verb) {
    case Verb::username:
      if (phase_ == Phase::logging_in) {
        on_logged_in(first_field);
      } else {
        nickname_ = first_field;
        roster_.add_user(first_field);
        terminal_.show(display_.notice(fmt::format("you are now known as {}", first_field)));
        update_prompt();
      }
      break;
    case Verb::login:
    case Verb::resume:
      password_.reset();
      if (reply.fields.size() >= 3) token_ = reply.fields[2];
      on_logged_in(first_field);
      // The account's rooms are kept by chatd: learn them.
      send(Command{Verb::joined, {}, {}, {}, {}, {}, {}}, Origin::client);
      break;
    case Verb::joined:
      for (const auto& room : reply.fields) remember_room(room);
      break;
    case Verb::register_account:
      terminal_.show(display_.notice(fmt::format(
          "{} is now your account: /login {} <password> from anywhere", first_field, first_field)));
      break;
    case Verb::history:
      if (pending.origin == Origin::person && reply.fields.size() >= 3) {
        terminal_.show(display_.notice(
            reply.fields[1] == "0"
                ? fmt::format("no messages in {}", reply.fields[0])
                : fmt::format("{} messages of {}{}", reply.fields[1], reply.fields[0],
                              reply.fields[2] == "more" ? "; earlier ones exist" : "")));
      }
      break;
    case Verb::join:
      remember_room(first_field);
      if (pending.origin != Origin::rejoin) {
        switch_to(Target{Target::Kind::room, first_field});
        // What was said there lately, so the conversation does not start blank.
        auto recent =
            Command{Verb::history, {}, Target{Target::Kind::room, first_field}, {}, {}, {}, {}};
        recent.range.limit = 10;
        send(std::move(recent), Origin::client);
      }
      break;
    case Verb::leave:
      terminal_.show(display_.notice(fmt::format("you left {}", first_field)));
      forget_room(first_field);
      break;
    case Verb::topic:
      // A change shows as its event; an answer to a question shows here.
      if (!command.topic) {
        const auto text = reply.fields.size() > 1 ? reply.fields[1] : std::string();
        terminal_.show(display_.notice(text.empty()
                                           ? fmt::format("{} has no topic", first_field)
                                           : fmt::format("topic of {}: {}", first_field, text)));
      }
      break;
    case Verb::rooms:
    case Verb::users:
    case Verb::members:
      roster_.apply(reply);
      if (pending.origin == Origin::person) {
        if (auto text = display_.list(reply)) terminal_.show(*text);
      }
      break;
    case Verb::logout:
      terminal_.show(display_.notice("logged out"));
      rooms_.clear();
      nickname_.reset();
      token_.reset();
      conversation_ = Target{};
      ask_nickname("type a nickname to log in again (or /quit)");
      break;
    case Verb::quit:
      finish(0);
      break;
    case Verb::ping:
      if (input_ended_) finish(0);
      break;
    default:  // messages come back as MESSAGE lines; room changes as events
      break;
  }
}

void ChatClient::on_error(const protocol::ErrorReply& error, const Pending& pending) {
  const auto& command = pending.command;
  // Back in a room an account never left: nothing to report.
  if (command.verb == Verb::join && pending.origin != Origin::person &&
      error.code == "already-member") {
    return;
  }
  terminal_.show(display_.error(error, context_of(command)));
  if (command.verb == Verb::resume && phase_ == Phase::logging_in) {
    // The session ended (LOGOUT elsewhere, a password change): the password is needed again.
    token_.reset();
    nickname_.reset();
    if (!terminal_.interactive()) {
      fail(fmt::format("cannot log in again: {}", error.text), 1);
      return;
    }
    ask_nickname("log in again with /login <nick> <password>");
  } else if ((command.verb == Verb::username || command.verb == Verb::login) &&
             phase_ == Phase::logging_in) {
    password_.reset();
    if (!terminal_.interactive()) {
      fail(fmt::format("cannot log in as {}: {}", command.name, error.text), 1);
      return;
    }
    nickname_.reset();
    ask_nickname(command.verb == Verb::login ? "try again: /login <nick> <password>, or a nickname"
                                             : "choose another nickname");
  } else if (command.verb == Verb::join && pending.origin != Origin::person) {
    forget_room(command.name);
  }
}

void ChatClient::on_event(const protocol::Event& event) {
  roster_.apply(event);
  // Someone typing is for windowed clients; a terminal would fill with it.
  if (event.kind == protocol::Event::Kind::typing) return;
  terminal_.show(display_.event(event));
  if (event.kind == protocol::Event::Kind::destroy ||
      (event.kind == protocol::Event::Kind::kick && nickname_ &&
       same_name(event.nickname, *nickname_))) {
    forget_room(event.room);
  } else if (event.kind == protocol::Event::Kind::rename &&
             conversation_.kind == Target::Kind::user &&
             same_name(conversation_.name, event.detail)) {
    switch_to(Target{Target::Kind::user, event.nickname});
  }
}

void ChatClient::on_logged_in(const std::string& nickname) {
  nickname_ = nickname;
  phase_ = Phase::ready;
  roster_.add_user(nickname);
  terminal_.show(display_.notice(fmt::format("logged in as {}", nickname)));
  if (terminal_.interactive() && !ever_logged_in_) {
    terminal_.note(display_.notice("type /help for the commands"));
  }
  ever_logged_in_ = true;
  const auto origin = std::exchange(rejoining_, false) ? Origin::rejoin : Origin::client;
  for (const auto& room : rooms_) send(Command{Verb::join, room, {}, {}, {}, {}, {}}, origin);
  if (terminal_.interactive()) {  // names for Tab
    send(Command{Verb::users, {}, {}, {}, {}, {}, {}}, Origin::client);
    send(Command{Verb::rooms, {}, {}, {}, {}, {}, {}}, Origin::client);
  }
  update_prompt();
}

void ChatClient::on_input(const std::string& line) {
  if (quitting_) return;
  if (phase_ == Phase::asking_nickname) {
    on_nickname_input(line);
    update_input();
    return;
  }
  // A line ending in a backslash goes on on the next one: one message of several lines, as in
  // a shell. "\\" at the end is one backslash and ends the message.
  if (line.ends_with("\\\\")) {
    on_whole_input(std::exchange(continued_, {}) + line.substr(0, line.size() - 1));
  } else if (line.ends_with('\\')) {
    continued_ += line.substr(0, line.size() - 1) + '\n';
    update_prompt();
  } else {
    on_whole_input(std::exchange(continued_, {}) + line);
  }
  update_input();
}

void ChatClient::on_whole_input(const std::string& line) {
  update_prompt();
  const auto input = parse_input(line, conversation_);
  if (const auto* error = std::get_if<InputError>(&input)) {
    terminal_.note(display_.warning(error->message));
  } else if (std::holds_alternative<ShowHelp>(input)) {
    show_help();
  } else if (const auto* change = std::get_if<SwitchConversation>(&input)) {
    switch_to(change->target);
  } else if (const auto* requests = std::get_if<Requests>(&input)) {
    for (const auto& command : requests->commands) {
      if (command.verb == Verb::quit) {
        quit();
        break;
      }
      if (phase_ != Phase::ready) {
        terminal_.note(display_.warning("not connected; not sent (Up brings the line back)"));
        break;
      }
      send(command, Origin::person);
    }
  }
}

// Before logging in, a line is the nickname; of the commands only those that can go with a
// login make sense (/join #room nick is seed 004's "join <channel> <username>").
void ChatClient::on_nickname_input(std::string_view line) {
  line = trim(line);
  if (line.empty()) return;
  std::string nickname(line);
  if (line.front() == '/') {
    const auto input = parse_input(line, conversation_);
    const auto* requests = std::get_if<Requests>(&input);
    if (const auto* error = std::get_if<InputError>(&input)) {
      terminal_.note(display_.warning(error->message));
      return;
    }
    if (std::holds_alternative<ShowHelp>(input)) {
      show_help();
      return;
    }
    if (requests && requests->commands.front().verb == Verb::quit) {
      quit();
      return;
    }
    const bool logs_in =
        requests &&
        std::all_of(requests->commands.begin(), requests->commands.end(), [](const auto& command) {
          return command.verb == Verb::username || command.verb == Verb::join ||
                 command.verb == Verb::login;
        });
    if (!logs_in) {
      terminal_.note(display_.warning("log in first: type a nickname (or /quit)"));
      return;
    }
    nickname.clear();
    for (const auto& command : requests->commands) {
      if (command.verb == Verb::join) {
        remember_room(command.name);
      } else {
        nickname = command.name;
        if (command.verb == Verb::login) password_ = command.password;
      }
    }
    if (nickname.empty()) return;  // a room to join, but still no name
  } else if (const auto error = protocol::check_nickname(nickname)) {
    if (!terminal_.interactive()) {
      fail(fmt::format("invalid nickname {}: {}", nickname, protocol::error_text(*error)), 2);
      return;
    }
    terminal_.note(display_.warning(
        fmt::format("{}: {} Try another.", nickname, protocol::error_text(*error))));
    return;
  }
  nickname_ = std::move(nickname);
  if (connection_.connected()) {
    log_in();
  } else {
    phase_ = Phase::connecting;
    update_prompt();
  }
}

void ChatClient::on_input_end() {
  input_ended_ = true;
  if (terminal_.interactive()) {
    quit();
  } else if (phase_ == Phase::asking_nickname && !ever_logged_in_) {
    fail("no nickname: give --nick NAME, or the name as the first line of input", 2);
  } else if (!connection_.connected()) {
    finish(0);
  } else {
    // Answered in order, so its answer comes after every other: then all has been said.
    send(Command{Verb::ping, "bye", {}, {}, {}, {}, {}}, Origin::client);
  }
}

void ChatClient::show_help() {
  for (const auto& line : help_lines()) terminal_.show(line);
}

void ChatClient::send(Command command, Origin origin) {
  // In RICH MULTILINE a backslash of the text is escaped, or chatd would read "\n" as a break.
  if (command.verb == Verb::msg || command.verb == Verb::send) {
    auto escaped = command;
    escaped.text = protocol::escape_line_breaks(command.text);
    connection_.send(protocol::format_command(escaped));
  } else {
    connection_.send(protocol::format_command(command));
  }
  pending_.push_back({std::move(command), origin});
}

void ChatClient::log_in() {
  phase_ = Phase::logging_in;
  if (token_) {
    send(Command{Verb::resume, *token_, {}, {}, {}, {}, {}}, Origin::client);
  } else if (password_) {
    send(Command{Verb::login, *nickname_, {}, {}, *password_, {}, {}}, Origin::client);
  } else {
    send(Command{Verb::username, *nickname_, {}, {}, {}, {}, {}}, Origin::client);
  }
  update_prompt();
}

void ChatClient::ask_nickname(std::string_view why) {
  phase_ = Phase::asking_nickname;
  terminal_.note(display_.notice(why));
  update_prompt();
}

void ChatClient::switch_to(Target target) {
  conversation_ = std::move(target);
  const auto name = conversation_name(conversation_);
  terminal_.note(display_.notice(conversation_.kind == Target::Kind::room
                                     ? fmt::format("now talking in {}", name)
                                     : fmt::format("now talking to {}", name)));
  update_prompt();
}

void ChatClient::remember_room(const std::string& room) {
  const bool known = std::any_of(rooms_.begin(), rooms_.end(),
                                 [&](const auto& joined) { return same_name(joined, room); });
  if (!known) rooms_.push_back(room);
}

void ChatClient::forget_room(std::string_view room) {
  std::erase_if(rooms_, [&](const auto& joined) { return same_name(joined, room); });
  if (conversation_.kind == Target::Kind::room && same_name(conversation_.name, room)) {
    switch_to(Target{});
  }
}

void ChatClient::quit() {
  if (std::exchange(quitting_, true)) return;
  if (connection_.connected()) {
    send(Command{Verb::quit, {}, {}, {}, {}, {}, {}},
         Origin::person);  // OK QUIT, or the close, ends it
  } else {
    finish(0);
  }
  update_input();
}

void ChatClient::fail(std::string_view message, int status) {
  finish(status);
  fmt::print(stderr, "chat: {}\n", printable(message));  // it may quote chatd
}

void ChatClient::finish(int status) {
  exit_status_ = status;
  quitting_ = true;
  connection_.stop();
  terminal_.stop();
  asio::error_code ignored;
  signals_.cancel(ignored);
  io_.stop();
}

void ChatClient::update_prompt() {
  const auto where = conversation_name(conversation_);
  switch (phase_) {
    case Phase::asking_nickname:
      terminal_.set_prompt("nickname: ");
      break;
    case Phase::ready:
      // "...> " while a message goes on over several lines.
      terminal_.set_prompt(continued_.empty() ? fmt::format("{}> ", where)
                                              : fmt::format("{}...> ", where));
      break;
    default:
      terminal_.set_prompt(fmt::format("(offline) {}> ", where));
      break;
  }
}

void ChatClient::update_input() {
  // A script's next line waits until every answer is in, so its output follows its input.
  const bool can_take_line = phase_ == Phase::ready || phase_ == Phase::asking_nickname;
  terminal_.set_input_enabled(!quitting_ && !input_ended_ && pending_.empty() && can_take_line);
}

std::vector<std::string> ChatClient::complete(std::string_view word) const {
  if (!word.starts_with('/')) return roster_.complete(word);
  std::vector<std::string> matches;
  for (auto& command : command_words()) {
    if (command.starts_with(protocol::fold_case(word))) matches.push_back(std::move(command));
  }
  return matches;
}

}  // namespace chat::cli
