#include "protocol/server_line.hpp"

#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "protocol/text.hpp"

using namespace chat::protocol;

TEST_CASE("plain deliveries distinguish everyone, rooms and private messages") {
  ChatMessage message{"id", "t", "*", "uid", "teixe", "Hello, world!"};
  CHECK(format_plain_message(message) == "RECEIVE teixe Hello, world!");
  message.target = "#main";
  CHECK(format_plain_message(message) == "RECEIVE #main teixe Hello, world!");
  message.target = "@jeff";
  CHECK(format_plain_message(message) == "RECEIVE @jeff teixe Hello, world!");
}

TEST_CASE("rich messages round-trip through the parser, text spaces included") {
  const ChatMessage sent{"m1", "2026-11-23T15:00:00.000Z", "#main", "u1", "alice", "a  b c "};
  const auto parsed = parse_server_line(format_rich_message(sent));
  REQUIRE(parsed);
  const auto* message = std::get_if<ChatMessage>(&*parsed);
  REQUIRE(message);
  CHECK(message->id == sent.id);
  CHECK(message->time == sent.time);
  CHECK(message->target == sent.target);
  CHECK(message->sender_id == sent.sender_id);
  CHECK(message->sender == sent.sender);
  CHECK(message->text == sent.text);
}

TEST_CASE("events round-trip, rename carries the previous nickname") {
  const Event sent{Event::Kind::rename, "t", "*", "u1", "bob", "alice"};
  CHECK(format_rich_event(sent) == "EVENT t RENAME * u1 bob alice");
  const auto parsed = parse_server_line(format_rich_event(sent));
  REQUIRE(parsed);
  const auto* event = std::get_if<Event>(&*parsed);
  REQUIRE(event);
  CHECK(event->kind == Event::Kind::rename);
  CHECK(event->detail == "alice");

  const Event join{Event::Kind::join, "t", "#main", "u1", "bob", {}};
  CHECK(format_rich_event(join) == "EVENT t JOIN #main u1 bob");
}

TEST_CASE("replies and errors") {
  CHECK(format_reply(Verb::rooms, {}) == "OK ROOMS");
  CHECK(format_reply(Verb::members, {"#main", "a", "b"}) == "OK MEMBERS #main a b");
  CHECK(format_plain_error(Error::unknown_command) == "ERROR Unrecognised command.");
  CHECK(format_rich_error(std::nullopt, Error::unknown_command) ==
        "ERROR * unknown-command Unrecognised command.");
  CHECK(format_rich_error(Verb::join, Error::no_such_room) ==
        "ERROR JOIN no-such-room No such room.");

  const auto error = parse_server_line("ERROR JOIN no-such-room No such room.");
  REQUIRE(error);
  const auto* reply = std::get_if<ErrorReply>(&*error);
  REQUIRE(reply);
  CHECK(reply->verb == "JOIN");
  CHECK(reply->code == "no-such-room");
  CHECK(reply->text == "No such room.");
}

TEST_CASE("malformed server lines are refused, not half-parsed") {
  CHECK_FALSE(parse_server_line(""));
  CHECK_FALSE(parse_server_line("RECEIVE teixe hi"));
  CHECK_FALSE(parse_server_line("MESSAGE id time"));
  CHECK_FALSE(parse_server_line("EVENT t NOPE * u n"));
  CHECK_FALSE(parse_server_line("EVENT t RENAME * u n"));
  CHECK_FALSE(parse_server_line("ERROR JOIN"));
}

TEST_CASE("a multi-line message: consecutive lines, or one escaped line for RICH MULTILINE") {
  const ChatMessage message{"m1", "t", "#main", "u1", "alice", "a\\b\n\nc"};
  CHECK(format_plain_message(message) ==
        "RECEIVE #main alice a\\b\nRECEIVE #main alice  \nRECEIVE #main alice c");
  CHECK(format_rich_message(message) ==
        "MESSAGE m1 t #main u1 alice a\\b\nMESSAGE m1 t #main u1 alice  \nMESSAGE m1 t #main u1 "
        "alice c");
  const auto line = format_rich_message(message, true);
  CHECK(line == "MESSAGE m1 t #main u1 alice a\\\\b\\n\\nc");
  const auto parsed = parse_server_line(line);
  REQUIRE(parsed);
  CHECK(unescape_line_breaks(std::get<ChatMessage>(*parsed).text) == message.text);
  CHECK(format_history_message(message, true) == "HISTORY m1 t #main u1 alice a\\\\b\\n\\nc");
}

TEST_CASE("multi-line text: what it may hold, and its escaping") {
  CHECK_FALSE(check_multiline_text("one\ntwo"));
  CHECK_FALSE(check_multiline_text("one\n\n  indented"));
  CHECK(check_multiline_text("\n\n") == Error::message_empty);
  CHECK(check_multiline_text("one\r\ntwo") == Error::message_control_characters);
  CHECK(check_multiline_text("one\n\x1b[2J") == Error::message_control_characters);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "line\n";
  CHECK(check_multiline_text(many.substr(0, many.size() - 1)) == std::nullopt);
  CHECK(check_multiline_text(many + "one too many") == Error::message_too_many_lines);
  for (const std::string text : {"", "plain", "a\\nb", "\\", "x\\\\n\n\\"}) {
    CHECK(unescape_line_breaks(escape_line_breaks(text)) == text);
    CHECK(escape_line_breaks(text).find('\n') == std::string::npos);
  }
  CHECK(unescape_line_breaks("keep \\t and \\") == "keep \\t and \\");
}
