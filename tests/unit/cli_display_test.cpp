#include <doctest/doctest.h>

#include "cli/display.hpp"

namespace cli = chat::cli;
using chat::protocol::ChatMessage;
using chat::protocol::ErrorReply;
using chat::protocol::Event;
using chat::protocol::Reply;

namespace {

const cli::Display plain({.colour = false, .utc = true});
constexpr auto time = "2026-11-23T15:32:54.691Z";
constexpr auto id = "5b1c0b3e-8f0e-4a4e-9d5e-1f2a3b4c5d6e";

ChatMessage message(std::string target, std::string sender, std::string text) {
  return {"b1c205b6-8c5f-4304-8509-5ba37fe53e31",
          time,
          std::move(target),
          id,
          std::move(sender),
          std::move(text)};
}

Event event(Event::Kind kind, std::string room, std::string nick, std::string previous = {}) {
  return {kind, time, std::move(room), id, std::move(nick), std::move(previous)};
}

}  // namespace

TEST_CASE("messages show time, sender and where they were sent") {
  CHECK(plain.message(message("*", "alice", "hello")) == "[15:32] * alice: hello");
  CHECK(plain.message(message("#main", "alice", "hello guys")) ==
        "[15:32] #main <alice> hello guys");
  CHECK(plain.message(message("@bob", "alice", "hi")) == "[15:32] (private) alice -> bob: hi");
}

TEST_CASE("an action ('/me waves') reads '* alice waves'") {
  CHECK(plain.message(message("*", "alice", "/me waves")) == "[15:32] * * alice waves");
  CHECK(plain.message(message("#main", "alice", "/me waves")) == "[15:32] #main * alice waves");
  CHECK(plain.message(message("@bob", "alice", "/me waves")) ==
        "[15:32] (private) alice -> bob: * alice waves");
  CHECK(plain.message(message("#main", "alice", "/meh")) == "[15:32] #main <alice> /meh");
}

TEST_CASE("events") {
  using Kind = Event::Kind;
  CHECK(plain.event(event(Kind::join, "#main", "alice")) == "[15:32] -!- alice joined #main");
  CHECK(plain.event(event(Kind::leave, "#main", "alice")) == "[15:32] -!- alice left #main");
  CHECK(plain.event(event(Kind::create, "#main", "alice")) == "[15:32] -!- alice created #main");
  CHECK(plain.event(event(Kind::destroy, "#main", "alice")) == "[15:32] -!- alice destroyed #main");
  CHECK(plain.event(event(Kind::online, "*", "alice")) == "[15:32] -!- alice is online");
  CHECK(plain.event(event(Kind::offline, "*", "alice")) == "[15:32] -!- alice went offline");
  CHECK(plain.event(event(Kind::rename, "*", "ally", "alice")) ==
        "[15:32] -!- alice is now known as ally");
}

TEST_CASE("errors stand out and say which command failed") {
  const ErrorReply error{"MSG", "no-such-user", "No such user."};
  CHECK(plain.error(error, "MSG @bob") == "!! error: No such user. (MSG @bob)");
  CHECK(plain.error(error, "") == "!! error: No such user.");
  CHECK(plain.warning("not connected") == "!! not connected");
  CHECK(plain.notice("logged in as alice") == "-!- logged in as alice");
}

TEST_CASE("list replies") {
  CHECK(plain.list(Reply{"USERS", {"alice", "bob"}}) == "-!- online: alice bob");
  CHECK(plain.list(Reply{"ROOMS", {}}) == "-!- rooms: none");
  CHECK(plain.list(Reply{"ROOMS", {"#a", "#b"}}) == "-!- rooms: #a #b");
  CHECK(plain.list(Reply{"MEMBERS", {"#a", "alice"}}) == "-!- members of #a: alice");
  CHECK(plain.list(Reply{"MEMBERS", {"#a"}}) == "-!- members of #a: none");
  CHECK_FALSE(plain.list(Reply{"JOIN", {"#a"}}));
}

TEST_CASE("control characters from the server cannot reach the terminal") {
  CHECK(plain.message(message("*", "eve", "\x1b[2Jgotcha\tok")) ==
        "[15:32] * eve: \xEF\xBF\xBD[2Jgotcha\tok");
  CHECK(plain.notice("a\rb") ==
        "-!- a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("C1 controls and bytes that are not UTF-8 are replaced too") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(cli::printable("a\xC2\x9B"
                       "2Jb") == "a" + fffd + "2Jb");  // CSI as U+009B
  CHECK(cli::printable("a\x9B"
                       "b") == "a" + fffd + "b");           // a raw 0x9B byte
  CHECK(cli::printable("a\xE4\xB8") == "a" + fffd + fffd);  // cut short
  CHECK(cli::printable("\xC0\xAF") == fffd + fffd);         // overlong '/'
  CHECK(cli::printable("\xC2\xA0\xE4\xB8\xAD\xF0\x9F\x98\x80\t") ==
        "\xC2\xA0\xE4\xB8\xAD\xF0\x9F\x98\x80\t");  // NBSP, CJK, emoji, TAB pass
  CHECK(plain.error(ErrorReply{"MSG", "x", "bad\xC2\x85text"}, "") ==
        "!! error: bad" + fffd + "text");
}

TEST_CASE("colour only when asked for") {
  const cli::Display colour({.colour = true, .utc = true});
  const auto line = colour.message(message("#main", "alice", "hello"));
  CHECK(line.find("\x1b[") != std::string::npos);
  CHECK(line.find("hello") != std::string::npos);
  CHECK(plain.message(message("#main", "alice", "hello")).find('\x1b') == std::string::npos);
  CHECK(colour.error(ErrorReply{"*", "unknown-command", "Unrecognised command."}, "")
            .starts_with("\x1b[1;31m!! error:"));
}

TEST_CASE("times: UTC, or the local zone, and never garbage") {
  CHECK(plain.clock("2026-01-02T03:04:05.006Z") == "03:04");
  CHECK(plain.clock("yesterday") == "yesterday");
  const cli::Display local({.colour = false, .utc = false});
  CHECK(local.clock(time).size() == 5);
}
