#include "protocol/command.hpp"

#include <doctest/doctest.h>

#include <string>
#include <variant>

using chat::protocol::Command;
using chat::protocol::CommandError;
using chat::protocol::Error;
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
