#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "protocol/command.hpp"
#include "protocol/credentials.hpp"
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

Error failed(std::string_view line) {
  auto result = protocol::parse_command(line);
  REQUIRE(std::holds_alternative<CommandError>(result));
  return std::get<CommandError>(result).error;
}

}  // namespace

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
  CHECK(failed("REGISTER") == Error::missing_argument);
  CHECK(failed("REGISTER short") == Error::password_invalid);
  CHECK(failed("REGISTER two words") == Error::password_invalid);
  CHECK(failed(std::string("REGISTER ") + std::string(129, 'x')) == Error::password_invalid);
  CHECK(failed("REGISTER tab\there-x") == Error::password_invalid);
  CHECK(failed("REGISTER bell\x07here") == Error::password_invalid);
  CHECK(failed("LOGIN alice") == Error::missing_argument);
  CHECK(failed("LOGIN #alice correct-horse") == Error::username_invalid);
  CHECK(failed("LOGIN alice correct horse") == Error::password_invalid);
  CHECK(failed("PASSWORD only-one") == Error::missing_argument);
  CHECK(failed("RESUME") == Error::missing_argument);
  CHECK(failed("RESUME " + std::string(63, 'a')) == Error::token_invalid);
  CHECK(failed("RESUME " + std::string(64, 'A')) == Error::token_invalid);
  CHECK(failed("JOINED now") == Error::invalid_argument);
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

  CHECK(failed("HISTORY") == Error::missing_argument);
  CHECK(failed("HISTORY #main BEFORE") == Error::missing_argument);
  CHECK(failed("HISTORY #main 0") == Error::invalid_argument);
  CHECK(failed("HISTORY #main 501") == Error::invalid_argument);
  CHECK(failed("HISTORY #main 10 20") == Error::invalid_argument);
  CHECK(failed("HISTORY #main AROUND x") == Error::invalid_argument);
  CHECK(failed("HISTORY #bad!room") == Error::room_name_invalid);
  CHECK(failed(std::string("HISTORY #main BEFORE ") + std::string(65, 'x')) ==
        Error::invalid_argument);
}

TEST_CASE("READ: a target and an optional message id") {
  const auto ask = parsed("READ #main");
  CHECK(ask.target.name == "#main");
  CHECK(ask.name.empty());
  const auto mark = parsed("READ @bob 1f0e0000-0000-4000-8000-000000000000");
  CHECK(mark.name == "1f0e0000-0000-4000-8000-000000000000");
  CHECK(protocol::format_command(mark) == "READ @bob 1f0e0000-0000-4000-8000-000000000000");
  CHECK(failed("READ") == Error::missing_argument);
  CHECK(failed("READ #main a b") == Error::invalid_argument);
}

TEST_CASE("timestamps are told from message ids by their shape") {
  CHECK(protocol::is_timestamp("2026-11-23T15:32:54.691Z"));
  CHECK_FALSE(protocol::is_timestamp("2026-11-23T15:32:54Z"));
  CHECK_FALSE(protocol::is_timestamp("2026-11-23 15:32:54.691Z"));
  CHECK_FALSE(protocol::is_timestamp("1f0e0000-0000-4000-8000-000000000000"));
  CHECK(protocol::is_session_token(std::string(64, '0')));
  CHECK_FALSE(protocol::is_session_token(std::string(64, 'g')));
}
