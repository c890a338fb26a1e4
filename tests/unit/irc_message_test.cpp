#include "protocol/irc_message.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/irc_lines.hpp"

namespace irc = chat::protocol::irc;

namespace {

irc::Message parsed(std::string_view line) {
  auto message = irc::parse(line);
  REQUIRE(message);
  return *message;
}

}  // namespace

TEST_CASE("IRC: command, middle parameters and a trailing one") {
  const auto message = parsed("privmsg #main :Hello guys!  two spaces");
  CHECK(message.command == "PRIVMSG");
  CHECK(message.source.empty());
  CHECK(message.params == std::vector<std::string>{"#main", "Hello guys!  two spaces"});

  CHECK(parsed("NICK alice").params == std::vector<std::string>{"alice"});
  CHECK(parsed("USER alice 0 * :Alice Liddell").params ==
        std::vector<std::string>{"alice", "0", "*", "Alice Liddell"});
  CHECK(parsed("PING").params.empty());
  CHECK(parsed("TOPIC #main :").params == std::vector<std::string>{"#main", ""});
  CHECK(parsed("JOIN   #a,#b    key").params == std::vector<std::string>{"#a,#b", "key"});
  CHECK(parsed("PRIVMSG bob ::-)").params == std::vector<std::string>{"bob", ":-)"});
}

TEST_CASE("IRC: a source and tags, escaped values unescaped") {
  const auto message = parsed(
      "@time=2026-11-23T15:32:54.691Z;msgid=abc;+draft/x=a\\sb\\:c\\\\d\\r\\ne;flag "
      ":alice!alice@chat PRIVMSG #main :hi");
  CHECK(message.source == "alice!alice@chat");
  CHECK(message.tag("time") == "2026-11-23T15:32:54.691Z");
  CHECK(message.tag("msgid") == "abc");
  CHECK(message.tag("+draft/x") == "a b;c\\d\r\ne");
  CHECK(message.tag("flag") == "");
  CHECK_FALSE(message.tag("missing"));
  CHECK(parsed("@a=1;a=2 PING").tag("a") == "2");
  CHECK(irc::unescape_tag_value("trailing\\") == "trailing");
  CHECK(irc::unescape_tag_value("\\q") == "q");
}

TEST_CASE("IRC: lines without a command are not messages") {
  CHECK_FALSE(irc::parse(""));
  CHECK_FALSE(irc::parse("   "));
  CHECK_FALSE(irc::parse(":source.only"));
  CHECK_FALSE(irc::parse("@tag=1"));
  CHECK_FALSE(irc::parse("@tag=1 :source"));
}

TEST_CASE("IRC: more than 15 parameters: the 15th takes the rest") {
  const auto message = parsed("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
  REQUIRE(message.params.size() == 15);
  CHECK(message.params.back() == "15 16 17");
}

TEST_CASE("IRC: formatting writes the trailing parameter only where needed, and round-trips") {
  irc::Message message;
  message.source = "chatd";
  message.command = "001";
  message.params = {"alice", "Welcome to chat, alice"};
  CHECK(irc::format(message) == ":chatd 001 alice :Welcome to chat, alice");
  message.params = {"alice", "one"};
  CHECK(irc::format(message) == ":chatd 001 alice one");
  message.params = {"alice", ""};
  CHECK(irc::format(message) == ":chatd 001 alice :");
  message.params = {"alice", ":)"};
  CHECK(irc::format(message) == ":chatd 001 alice ::)");

  irc::Message tagged;
  tagged.tags = {{"time", "2026-11-23T15:32:54.691Z"}, {"x", "a b;c"}, {"flag", ""}};
  tagged.source = "bob!bob@chat";
  tagged.command = "PRIVMSG";
  tagged.params = {"#main", "hello there"};
  const auto line = irc::format(tagged);
  CHECK(line ==
        "@time=2026-11-23T15:32:54.691Z;x=a\\sb\\:c;flag :bob!bob@chat PRIVMSG #main :hello there");
  const auto again = parsed(line);
  CHECK(again.tags == tagged.tags);
  CHECK(again.source == tagged.source);
  CHECK(again.params == tagged.params);
  CHECK(irc::escape_tag_value("\\\r\n") == "\\\\\\r\\n");
}

TEST_CASE("found by fuzzing: a command must be a word of letters or digits; a tag needs a name") {
  // ": @ni" had the command "@NI", which formatted into a line of tags with no command.
  CHECK_FALSE(irc::parse(": @ni"));
  CHECK_FALSE(irc::parse("PRIV:MSG x"));
  CHECK(irc::parse("001 nick :welcome")->command == "001");
  // "@=" was a tag with no name, which formatted as "@" and parsed back as no tag at all.
  const auto message = irc::parse("@=x;a=b;=;c CMD");
  REQUIRE(message);
  CHECK(message->tags == std::vector<std::pair<std::string, std::string>>{{"a", "b"}, {"c", ""}});
  CHECK(irc::format(*message) == "@a=b;c CMD");
}

TEST_CASE("IRC: CTCP ACTION is chat's action ('/me ...') both ways, other CTCP has no place") {
  using chat::protocol::irc::chat_text;
  CHECK(chat_text("\x01"
                  "ACTION waves\x01") == "/me waves");
  CHECK(chat_text("\x01"
                  "ACTION waves") == "/me waves");  // the closing \x01 is often left off
  CHECK(chat_text("hello") == "hello");
  CHECK(chat_text("/me typed by hand") == "/me typed by hand");
  CHECK_FALSE(chat_text("\x01VERSION\x01"));
  CHECK_FALSE(
      chat_text("\x01"
                "ACTIONwaves\x01"));

  chat::protocol::ChatMessage message;
  message.sender = "alice";
  message.target = "#main";
  message.text = "/me waves";
  message.time = "2026-11-29T10:00:00.000Z";
  message.id = "0193";
  CHECK(chat::protocol::irc::format_message(message, false) ==
        ":alice!alice@chat PRIVMSG #main :\x01"
        "ACTION waves\x01");
  message.text = "/mean it";
  CHECK(chat::protocol::irc::format_message(message, false) ==
        ":alice!alice@chat PRIVMSG #main :/mean it");
}

TEST_CASE(
    "IRC: a multi-line message is one PRIVMSG a line, the id on the first; typing is a TAGMSG") {
  chat::protocol::ChatMessage message;
  message.sender = "alice";
  message.target = "@bob";
  message.text = "one\n\nthree";
  message.time = "2026-11-29T10:00:00.000Z";
  message.id = "0193";
  CHECK(chat::protocol::irc::format_message(message, false) ==
        ":alice!alice@chat PRIVMSG bob one\r\n"
        ":alice!alice@chat PRIVMSG bob : \r\n"
        ":alice!alice@chat PRIVMSG bob three");
  CHECK(chat::protocol::irc::format_message(message, true) ==
        "@time=2026-11-29T10:00:00.000Z;msgid=0193 :alice!alice@chat PRIVMSG bob one\r\n"
        "@time=2026-11-29T10:00:00.000Z :alice!alice@chat PRIVMSG bob : \r\n"
        "@time=2026-11-29T10:00:00.000Z :alice!alice@chat PRIVMSG bob three");

  chat::protocol::Event typing{chat::protocol::Event::Kind::typing,
                               "2026-11-29T10:00:00.000Z",
                               "#main",
                               "u1",
                               "alice",
                               "active"};
  CHECK(chat::protocol::irc::format_event(typing, true) ==
        "@time=2026-11-29T10:00:00.000Z;+typing=active :alice!alice@chat TAGMSG #main");
  CHECK_FALSE(chat::protocol::irc::format_event(typing, false));  // no tags, no TAGMSG
  typing.room = "@bob";
  CHECK(chat::protocol::irc::format_event(typing, true) ==
        "@time=2026-11-29T10:00:00.000Z;+typing=active :alice!alice@chat TAGMSG bob");
}

TEST_CASE("IRC: a multi-line action is an ACTION a line, and no text makes a line of its own") {
  chat::protocol::ChatMessage message;
  message.sender = "mallory";
  message.target = "#main";
  message.text = "/me waves\n:admin!admin@chat PRIVMSG #main :click";
  message.time = "2026-11-29T10:00:00.000Z";
  message.id = "0193";
  CHECK(chat::protocol::irc::format_message(message, false) ==
        ":mallory!mallory@chat PRIVMSG #main :\x01"
        "ACTION waves\x01\r\n"
        ":mallory!mallory@chat PRIVMSG #main :\x01"
        "ACTION :admin!admin@chat PRIVMSG #main :click\x01");
  chat::protocol::irc::Message raw;
  raw.command = "PRIVMSG";
  raw.params = {"#main", std::string("one\nQUIT :two\0three", 20)};
  const auto line = chat::protocol::irc::format(raw);
  CHECK(line.find_first_of(std::string("\n\0", 2)) == std::string::npos);
}

TEST_CASE("IRC: a line holding an LF or NUL is no message") {
  for (const auto& line : {std::string("PRIVMSG #a :x\ny"), std::string("PRIVMSG #a :x\0y", 15)}) {
    CHECK_FALSE(chat::protocol::irc::parse(line));
  }
}
