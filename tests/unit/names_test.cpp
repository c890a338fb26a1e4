#include "protocol/names.hpp"

#include <doctest/doctest.h>

#include <string>

#include "protocol/text.hpp"

using chat::protocol::Error;
namespace protocol = chat::protocol;

TEST_CASE("nickname rules") {
  CHECK_FALSE(protocol::check_nickname("teixe"));
  CHECK_FALSE(protocol::check_nickname("_x-1"));
  CHECK(protocol::check_nickname("") == Error::username_empty);
  CHECK(protocol::check_nickname("not valid") == Error::username_has_spaces);
  CHECK(protocol::check_nickname(std::string(33, 'a')) == Error::username_too_long);
  CHECK_FALSE(protocol::check_nickname(std::string(32, 'a')));
  CHECK(protocol::check_nickname("1abc") == Error::username_invalid);
  CHECK(protocol::check_nickname("#room") == Error::username_invalid);
  CHECK(protocol::check_nickname("@bob") == Error::username_invalid);
  CHECK(protocol::check_nickname("bob\x01") == Error::username_invalid);
  CHECK(protocol::check_nickname("bjørn") == Error::username_invalid);
}

TEST_CASE("room name rules") {
  CHECK_FALSE(protocol::check_room_name("#main"));
  CHECK_FALSE(protocol::check_room_name("#" + std::string(50, 'r')));
  CHECK(protocol::check_room_name("#" + std::string(51, 'r')) == Error::room_name_invalid);
  CHECK(protocol::check_room_name("main") == Error::room_name_invalid);
  CHECK(protocol::check_room_name("#") == Error::room_name_invalid);
  CHECK(protocol::check_room_name("#a b") == Error::room_name_invalid);
  CHECK(protocol::check_room_name("#a.b") == Error::room_name_invalid);
}

TEST_CASE("case folding is ASCII only and used for comparisons") {
  CHECK(protocol::fold_case("AlIcE-_9") == "alice-_9");
  CHECK(protocol::fold_case("#Main") == protocol::fold_case("#mAIN"));
}

TEST_CASE("UTF-8 validation") {
  CHECK(protocol::is_valid_utf8("plain ascii"));
  CHECK(protocol::is_valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(protocol::is_valid_utf8("\xC3\x28"));          // bad continuation
  CHECK_FALSE(protocol::is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(protocol::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(protocol::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(protocol::is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(protocol::is_valid_utf8("\xFF"));
}

TEST_CASE("message text rules") {
  CHECK_FALSE(protocol::check_message_text("Hello, world!"));
  CHECK_FALSE(protocol::check_message_text("tab\tis fine"));
  CHECK(protocol::check_message_text("") == Error::message_empty);
  CHECK(protocol::check_message_text("\xC3\x28") == Error::message_invalid_utf8);
  CHECK(protocol::check_message_text("bell\x07") == Error::message_control_characters);
  CHECK(protocol::check_message_text("esc\x1b[2J") == Error::message_control_characters);
  CHECK(protocol::check_message_text(std::string("nul\0", 4)) == Error::message_control_characters);
  CHECK(protocol::check_message_text("del\x7f") == Error::message_control_characters);
  CHECK(protocol::check_message_text("next\xC2\x85line") == Error::message_control_characters);
  CHECK_FALSE(protocol::check_message_text("nbsp\xC2\xA0ok"));
}

TEST_CASE("nicknames suggested from a profile are valid nicknames") {
  CHECK(protocol::nickname_from_profile("alice") == "alice");
  CHECK(protocol::nickname_from_profile("Alice Smith") == "Alice_Smith");
  CHECK(protocol::nickname_from_profile("alice.smith@example.org") == "alice_smith");
  CHECK(protocol::nickname_from_profile("42 Bob") == "Bob");
  CHECK(protocol::nickname_from_profile("Zoë") == "Zo");
  CHECK(protocol::nickname_from_profile("") == "user");
  CHECK(protocol::nickname_from_profile("李小龍") == "user");
  CHECK(protocol::nickname_from_profile(std::string(40, 'x'), 29) == std::string(29, 'x'));
  for (const auto* name : {"a b", "_", "--x", "x@y", " .alice", "9"}) {
    CHECK_FALSE(protocol::check_nickname(protocol::nickname_from_profile(name)));
  }
}

TEST_CASE("provider names") {
  CHECK(protocol::is_provider_name("GitLab"));
  CHECK(protocol::is_provider_name("test-id_2"));
  CHECK_FALSE(protocol::is_provider_name(""));
  CHECK_FALSE(protocol::is_provider_name("Git Lab"));
  CHECK_FALSE(protocol::is_provider_name(std::string(33, 'p')));
}
