#include "protocol/command.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <variant>

#include "protocol/credentials.hpp"
#include "protocol/names.hpp"
#include "protocol/timestamp.hpp"

using chat::protocol::Command;
using chat::protocol::CommandError;
using chat::protocol::Error;
using chat::protocol::HistoryRange;
using chat::protocol::Target;
using chat::protocol::Verb;
namespace protocol = chat::protocol;

namespace {

Command parsed(std::string_view line) {
  auto result = protocol::parse_command(line);
  REQUIRE(std::holds_alternative<Command>(result));
  return std::get<Command>(result);
}

CommandError failed(std::string_view line) {
  auto result = protocol::parse_command(line);
  REQUIRE(std::holds_alternative<CommandError>(result));
  return std::get<CommandError>(result);
}

Error failed_with(std::string_view line) { return failed(line).error; }

}  // namespace

TEST_CASE("seed 002 commands") {
  const auto username = parsed("USERNAME teixe");
  CHECK(username.verb == Verb::username);
  CHECK(username.name == "teixe");

  const auto send = parsed("SEND Hello, world!");
  CHECK(send.verb == Verb::send);
  CHECK(send.target.kind == Target::Kind::everyone);
  CHECK(send.text == "Hello, world!");

  const auto spaces = failed("USERNAME not valid");
  CHECK(spaces.verb == Verb::username);
  CHECK(spaces.error == Error::username_has_spaces);

  const auto unknown = failed("NOT_A_COMMAND test");
  CHECK_FALSE(unknown.verb);
  CHECK(unknown.error == Error::unknown_command);
}

TEST_CASE("verbs are case-insensitive, arguments are not") {
  const auto command = parsed("send Keep THIS");
  CHECK(command.verb == Verb::send);
  CHECK(command.text == "Keep THIS");
}

TEST_CASE("message text keeps inner and trailing spaces") {
  CHECK(parsed("SEND  two  spaces ").text == " two  spaces ");
}

TEST_CASE("MSG targets") {
  const auto room = parsed("MSG #main hi all");
  CHECK(room.target.kind == Target::Kind::room);
  CHECK(room.target.name == "#main");
  CHECK(room.text == "hi all");

  const auto user = parsed("MSG @bob psst");
  CHECK(user.target.kind == Target::Kind::user);
  CHECK(user.target.name == "bob");
  CHECK(user.target.to_string() == "@bob");
  CHECK(parsed("MSG bob psst").target.to_string() == "@bob");

  const auto everyone = parsed("MSG * hello");
  CHECK(everyone.target.kind == Target::Kind::everyone);
  CHECK(everyone.target.to_string() == "*");

  CHECK(failed("MSG").error == Error::missing_argument);
  CHECK(failed("MSG #main").error == Error::message_empty);
  CHECK(failed("MSG #bad.room hi").error == Error::room_name_invalid);
  CHECK(failed("MSG @9lives hi").error == Error::no_such_user);
}

TEST_CASE("room commands accept names with or without '#'") {
  CHECK(parsed("JOIN #main").name == "#main");
  CHECK(parsed("JOIN main").name == "#main");
  CHECK(parsed("members #Main").name == "#Main");
  CHECK(failed("JOIN").error == Error::missing_argument);
  CHECK(failed("CREATE #a b").error == Error::room_name_invalid);
}

TEST_CASE("commands without arguments refuse extra words") {
  CHECK(parsed("ROOMS").verb == Verb::rooms);
  CHECK(failed("ROOMS please").error == Error::invalid_argument);
  CHECK(parsed("PING").name.empty());
  CHECK(parsed("PING 42").name == "42");
  CHECK(failed("PING a b").error == Error::invalid_argument);
}

TEST_CASE("message text is validated at parse time") {
  CHECK(failed("SEND").error == Error::message_empty);
  CHECK(failed("SEND \xC3\x28").error == Error::message_invalid_utf8);
  CHECK(failed("SEND \x1b[31mred").error == Error::message_control_characters);
}

TEST_CASE("format_command is the inverse of parse_command") {
  for (const auto* line :
       {"USERNAME teixe", "SEND Hello, world!", "MSG #main hi  all", "MSG @bob x", "MSG * everyone",
        "JOIN #main", "MEMBERS #main", "ROOMS", "PING 42", "PING", "RICH"}) {
    CHECK(protocol::format_command(parsed(line)) == line);
  }
  CHECK(protocol::format_command(parsed("join main")) == "JOIN #main");
  CHECK(protocol::format_command(parsed("msg bob hi")) == "MSG @bob hi");
}

TEST_CASE("room names are accepted with or without '#'") {
  CHECK(std::get<std::string>(protocol::parse_room_name("main")) == "#main");
  CHECK(std::get<std::string>(protocol::parse_room_name("#main")) == "#main");
  CHECK(std::get<Error>(protocol::parse_room_name("")) == Error::missing_argument);
  CHECK(std::get<Error>(protocol::parse_room_name("#a b")) == Error::room_name_invalid);
}

TEST_CASE("account commands carry their credentials, and format back to the same line") {
  const auto registration = parsed("REGISTER correct-horse");
  CHECK(registration.verb == Verb::register_account);
  CHECK(registration.password == "correct-horse");

  const auto login = parsed("login Alice correct-horse");
  CHECK(login.verb == Verb::login);
  CHECK(login.name == "Alice");
  CHECK(login.password == "correct-horse");

  const auto change = parsed("PASSWORD old-secret new-secret");
  CHECK(change.password == "old-secret");
  CHECK(change.new_password == "new-secret");

  const std::string token(64, 'a');
  CHECK(parsed("RESUME " + token).name == token);

  for (const auto* line : {"REGISTER correct-horse", "LOGIN Alice correct-horse",
                           "PASSWORD old-secret new-secret", "JOINED"}) {
    CHECK(protocol::format_command(parsed(line)) == line);
  }
}

TEST_CASE("bad credentials are refused with the error a client can show") {
  CHECK(failed_with("REGISTER") == Error::missing_argument);
  CHECK(failed_with("REGISTER short") == Error::password_invalid);
  CHECK(failed_with("REGISTER two words") == Error::password_invalid);
  CHECK(failed_with(std::string("REGISTER ") + std::string(129, 'x')) == Error::password_invalid);
  CHECK(failed_with("REGISTER tab\there-x") == Error::password_invalid);
  CHECK(failed_with("REGISTER bell\x07here") == Error::password_invalid);
  CHECK(failed_with("LOGIN alice") == Error::missing_argument);
  CHECK(failed_with("LOGIN #alice correct-horse") == Error::username_invalid);
  CHECK(failed_with("LOGIN alice correct horse") == Error::password_invalid);
  CHECK(failed_with("PASSWORD only-one") == Error::missing_argument);
  CHECK(failed_with("RESUME") == Error::missing_argument);
  CHECK(failed_with("RESUME " + std::string(63, 'a')) == Error::token_invalid);
  CHECK(failed_with("RESUME " + std::string(64, 'A')) == Error::token_invalid);
  CHECK(failed_with("JOINED now") == Error::invalid_argument);
  // The longest and shortest passwords accepted.
  CHECK(parsed("REGISTER " + std::string(8, 'x')).password.size() == 8);
  CHECK(parsed("REGISTER " + std::string(128, 'x')).password.size() == 128);
}

TEST_CASE("HISTORY: target, optional anchor, optional count") {
  const auto latest = parsed("HISTORY #main");
  CHECK(latest.target.kind == Target::Kind::room);
  CHECK(latest.range.kind == HistoryRange::Kind::latest);
  CHECK(latest.range.limit == HistoryRange::default_limit);

  const auto counted = parsed("HISTORY @bob 10");
  CHECK(counted.target.kind == Target::Kind::user);
  CHECK(counted.target.name == "bob");
  CHECK(counted.range.limit == 10);

  const auto before = parsed("history * before 1f0e0000-0000-4000-8000-000000000000 500");
  CHECK(before.target.kind == Target::Kind::everyone);
  CHECK(before.range.kind == HistoryRange::Kind::before);
  CHECK(before.range.anchor == "1f0e0000-0000-4000-8000-000000000000");
  CHECK(before.range.limit == 500);

  const auto after = parsed("HISTORY #main AFTER 2026-11-23T15:32:54.691Z");
  CHECK(after.range.kind == HistoryRange::Kind::after);
  CHECK(protocol::is_timestamp(after.range.anchor));
  CHECK(protocol::format_command(after) == "HISTORY #main AFTER 2026-11-23T15:32:54.691Z 50");

  CHECK(failed_with("HISTORY") == Error::missing_argument);
  CHECK(failed_with("HISTORY #main BEFORE") == Error::missing_argument);
  CHECK(failed_with("HISTORY #main 0") == Error::invalid_argument);
  CHECK(failed_with("HISTORY #main 501") == Error::invalid_argument);
  CHECK(failed_with("HISTORY #main 10 20") == Error::invalid_argument);
  CHECK(failed_with("HISTORY #main AROUND x") == Error::invalid_argument);
  CHECK(failed_with("HISTORY #bad!room") == Error::room_name_invalid);
  CHECK(failed_with(std::string("HISTORY #main BEFORE ") + std::string(65, 'x')) ==
        Error::invalid_argument);
}

TEST_CASE("READ: a target and an optional message id") {
  const auto ask = parsed("READ #main");
  CHECK(ask.target.name == "#main");
  CHECK(ask.name.empty());
  const auto mark = parsed("READ @bob 1f0e0000-0000-4000-8000-000000000000");
  CHECK(mark.name == "1f0e0000-0000-4000-8000-000000000000");
  CHECK(protocol::format_command(mark) == "READ @bob 1f0e0000-0000-4000-8000-000000000000");
  CHECK(failed_with("READ") == Error::missing_argument);
  CHECK(failed_with("READ #main a b") == Error::invalid_argument);
}

TEST_CASE("a timestamp's Unix seconds are those of the time it was made from") {
  using namespace std::chrono;
  // Days across leap years, century rules and month ends, each at an odd second.
  for (long long second = 0; second < 86400LL * 366 * 200; second += 86400LL * 7 + 3601) {
    const auto time =
        system_clock::time_point(duration_cast<system_clock::duration>(seconds(second)));
    const auto text = protocol::format_timestamp(time);
    CAPTURE(text);
    REQUIRE(protocol::unix_seconds(text) == second);
  }
  CHECK(protocol::unix_seconds("1970-01-01T00:00:00.000Z") == 0);
  CHECK(protocol::unix_seconds("not a time") == 0);
}

TEST_CASE("timestamps are told from message ids by their shape") {
  CHECK(protocol::is_timestamp("2026-11-23T15:32:54.691Z"));
  CHECK_FALSE(protocol::is_timestamp("2026-11-23T15:32:54Z"));
  CHECK_FALSE(protocol::is_timestamp("2026-11-23 15:32:54.691Z"));
  CHECK_FALSE(protocol::is_timestamp("1f0e0000-0000-4000-8000-000000000000"));
  CHECK(protocol::is_session_token(std::string(64, '0')));
  CHECK_FALSE(protocol::is_session_token(std::string(64, 'g')));
}

TEST_CASE("TOPIC asks, sets or clears; KICK names a room and a user") {
  const auto asked = parsed("TOPIC #main");
  CHECK(asked.verb == Verb::topic);
  CHECK(asked.name == "#main");
  CHECK_FALSE(asked.topic);
  CHECK(parsed("topic main  spaced  out ").topic == " spaced  out ");
  CHECK(parsed("TOPIC #main ").topic == "");
  CHECK(failed_with("TOPIC") == Error::missing_argument);
  CHECK(failed_with("TOPIC #main bell\x07") == Error::message_control_characters);
  CHECK(failed_with("TOPIC #main " + std::string(protocol::max_topic_length + 1, 'x')) ==
        Error::invalid_argument);
  CHECK(parsed("TOPIC #main " + std::string(protocol::max_topic_length, 'x')).topic->size() ==
        protocol::max_topic_length);

  const auto kick = parsed("KICK main bob");
  CHECK(kick.verb == Verb::kick);
  CHECK(kick.name == "#main");
  CHECK(kick.target.name == "bob");
  CHECK(failed_with("KICK #main") == Error::missing_argument);
  CHECK(failed_with("KICK #main bob carol") == Error::invalid_argument);
  CHECK(failed_with("KICK #main b@d!") == Error::no_such_user);

  for (const auto* line : {"TOPIC #main", "TOPIC #main a  b", "TOPIC #main ", "KICK #main bob"}) {
    CHECK(protocol::format_command(parsed(line)) == line);
  }
}

TEST_CASE("social sign-in commands") {
  const auto providers = parsed("PROVIDERS");
  CHECK(providers.verb == Verb::providers);
  CHECK(failed_with("PROVIDERS x") == Error::invalid_argument);

  const auto authorize = parsed("AUTHORIZE GitLab https://chat.example.org/?x=1");
  CHECK(authorize.verb == Verb::authorize);
  CHECK(authorize.name == "GitLab");
  CHECK(authorize.text == "https://chat.example.org/?x=1");
  CHECK(protocol::format_command(authorize) == "AUTHORIZE GitLab https://chat.example.org/?x=1");
  CHECK(failed_with("AUTHORIZE GitLab") == Error::missing_argument);
  CHECK(failed_with("AUTHORIZE Git.Lab https://x") == Error::invalid_argument);
  CHECK(failed_with("AUTHORIZE GitLab https://x extra") == Error::invalid_argument);
  CHECK(failed_with("AUTHORIZE GitLab https://x\x01y") == Error::invalid_argument);

  const auto signin = parsed("SIGNIN state-1 code_2");
  CHECK(signin.verb == Verb::signin);
  CHECK(signin.name == "state-1");
  CHECK(signin.text == "code_2");
  CHECK(protocol::format_command(signin) == "SIGNIN state-1 code_2");
  CHECK(failed_with("SIGNIN state-1") == Error::missing_argument);
  CHECK(failed_with("SIGNIN a b c") == Error::invalid_argument);
  CHECK(failed_with("SIGNIN a " + std::string(2049, 'c')) == Error::invalid_argument);
}

TEST_CASE("typing, owner and RICH MULTILINE") {
  const auto typing = parsed("TYPING #main active");
  CHECK(typing.verb == Verb::typing);
  CHECK(typing.target.to_string() == "#main");
  CHECK(typing.name == "active");
  CHECK(protocol::format_command(typing) == "TYPING #main active");
  CHECK(parsed("TYPING @bob done").target.to_string() == "@bob");
  CHECK(failed_with("TYPING * active") == Error::invalid_argument);
  CHECK(failed_with("TYPING #main busy") == Error::invalid_argument);
  CHECK(failed_with("TYPING #main") == Error::missing_argument);
  CHECK(parsed("OWNER main").name == "#main");
  CHECK(failed_with("OWNER") == Error::missing_argument);
  CHECK(parsed("RICH").name.empty());
  CHECK(parsed("rich multiline").name == "MULTILINE");
  CHECK(failed_with("RICH TRIPLE") == Error::invalid_argument);
}
