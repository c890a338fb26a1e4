#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "cli/command_line.hpp"

namespace cli = chat::cli;
using chat::protocol::Target;
using chat::protocol::Verb;

namespace {

const Target everyone{};
const Target main_room{Target::Kind::room, "#main"};

// The chatd lines a typed line turns into.
std::vector<std::string> lines(std::string_view typed, const Target& conversation = everyone) {
  const auto input = cli::parse_input(typed, conversation);
  REQUIRE(std::holds_alternative<cli::Requests>(input));
  std::vector<std::string> result;
  for (const auto& command : std::get<cli::Requests>(input).commands) {
    result.push_back(chat::protocol::format_command(command));
  }
  return result;
}

std::string error(std::string_view typed, const Target& conversation = everyone) {
  const auto input = cli::parse_input(typed, conversation);
  REQUIRE(std::holds_alternative<cli::InputError>(input));
  return std::get<cli::InputError>(input).message;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("plain text goes to the current conversation") {
  CHECK(lines("hello  there ") == Lines{"MSG * hello  there "});
  CHECK(lines("hello", main_room) == Lines{"MSG #main hello"});
  CHECK(lines("psst", Target{Target::Kind::user, "bob"}) == Lines{"MSG @bob psst"});
  CHECK(lines("//etc/passwd is a path") == Lines{"MSG * /etc/passwd is a path"});
  CHECK(lines(" /join is text when indented") == Lines{"MSG *  /join is text when indented"});
}

TEST_CASE("blank lines do nothing") {
  CHECK(std::holds_alternative<cli::Blank>(cli::parse_input("", everyone)));
  CHECK(std::holds_alternative<cli::Blank>(cli::parse_input("  \t ", everyone)));
}

TEST_CASE("rooms: join, leave, create, destroy, members") {
  CHECK(lines("/join #main") == Lines{"JOIN #main"});
  CHECK(lines("/join main") == Lines{"JOIN #main"});  // seed 004 spelling
  CHECK(lines("/JOIN   #Main  ") == Lines{"JOIN #Main"});
  CHECK(lines("/join #main alice") == Lines{"USERNAME alice", "JOIN #main"});
  CHECK(lines("/leave #dev", main_room) == Lines{"LEAVE #dev"});
  CHECK(lines("/leave", main_room) == Lines{"LEAVE #main"});
  CHECK(lines("/members", main_room) == Lines{"MEMBERS #main"});
  CHECK(lines("/members dev") == Lines{"MEMBERS #dev"});
  CHECK(lines("/create #new") == Lines{"CREATE #new"});
  CHECK(lines("/destroy #new") == Lines{"DESTROY #new"});
}

TEST_CASE("room commands explain what is wrong") {
  CHECK(error("/join") == "usage: /join <#room> [nick]");
  CHECK(error("/join #a b c") == "usage: /join <#room> [nick]");
  CHECK(error("/join #no!") ==
        "#no!: Room names are '#' followed by up to 50 letters, digits, '_' or '-'.");
  CHECK(error("/join #main 9lives") ==
        "9lives: Username may contain only letters, digits, '_' and '-', and must start with a "
        "letter or '_'.");
  CHECK(error("/leave") == "usage: /leave [#room] (you are not talking in a room)");
  CHECK(error("/destroy") == "usage: /destroy <#room>");
}

TEST_CASE("private and one-off messages") {
  CHECK(lines("/msg bob hi there") == Lines{"MSG @bob hi there"});
  CHECK(lines("/msg @bob hi") == Lines{"MSG @bob hi"});
  CHECK(lines("/msg #main hi", Target{Target::Kind::user, "bob"}) == Lines{"MSG #main hi"});
  CHECK(lines("/msg * all of you") == Lines{"MSG * all of you"});
  CHECK(error("/msg bob") == "usage: /msg <nick|#room|*> <text>");
  CHECK(error("/msg b@d hi") == "b@d: not a nickname, #room or * (everyone)");
}

TEST_CASE("a message that chatd would refuse is not sent") {
  // Lines joined by the continuation backslash are one message of several lines.
  CHECK(lines("two\nlines") == Lines{"MSG * two\nlines"});
  CHECK(error("two\r\nlines") == "not sent: Message contains control characters.");
  CHECK(error("/msg bob \x1b[2J") == "not sent: Message contains control characters.");
  CHECK(error("c1 \xC2\x9B control") == "not sent: Message contains control characters.");
  CHECK(error("broken \xFF utf-8") == "not sent: Message is not valid UTF-8.");
  CHECK(lines("tab\tand \xE4\xB8\xAD") == Lines{"MSG * tab\tand \xE4\xB8\xAD"});
}

TEST_CASE("switching conversation is local") {
  const auto to = [](std::string_view typed) {
    const auto input = cli::parse_input(typed, everyone);
    REQUIRE(std::holds_alternative<cli::SwitchConversation>(input));
    return std::get<cli::SwitchConversation>(input).target.to_string();
  };
  CHECK(to("/to bob") == "@bob");
  CHECK(to("/to @bob") == "@bob");
  CHECK(to("/to #main") == "#main");
  CHECK(to("/to *") == "*");
  CHECK(error("/to") == "usage: /to <nick|#room|*>");
}

TEST_CASE("lists, nickname, logout, quit, help") {
  CHECK(lines("/rooms") == Lines{"ROOMS"});
  CHECK(lines("/users") == Lines{"USERS"});
  CHECK(lines("/nick alice_2") == Lines{"USERNAME alice_2"});
  CHECK(lines("/logout") == Lines{"LOGOUT"});
  CHECK(lines("/quit") == Lines{"QUIT"});
  CHECK(std::holds_alternative<cli::ShowHelp>(cli::parse_input("/help", everyone)));
  CHECK(error("/rooms now") == "usage: /rooms");
  CHECK(error("/nick two words") == "usage: /nick <name>");
  CHECK(error("/frobnicate") == "unknown command /frobnicate; /help lists them");
}

TEST_CASE("help and completion list the same commands") {
  const auto words = cli::command_words();
  const auto help = cli::help_lines();
  // A heading, and the lines for "//text" and the continuation backslash.
  CHECK(words.size() + 4 == help.size());
  for (const auto& word : words) {
    const bool described = std::any_of(help.begin(), help.end(), [&](const std::string& line) {
      return line.starts_with("  " + word + " ") || line == "  " + word;
    });
    CHECK_MESSAGE(described, word);
  }
}

TEST_CASE("conversation names") {
  CHECK(cli::conversation_name(everyone) == "everyone");
  CHECK(cli::conversation_name(main_room) == "#main");
  CHECK(cli::conversation_name(Target{Target::Kind::user, "bob"}) == "@bob");
}

TEST_CASE("/topic asks or sets the current room's topic; /kick removes someone from it") {
  CHECK(lines("/topic", main_room) == Lines{"TOPIC #main"});
  CHECK(lines("/topic  Release on  Friday", main_room) == Lines{"TOPIC #main Release on  Friday"});
  CHECK(lines("/kick bob", main_room) == Lines{"KICK #main bob"});
  CHECK(error("/topic hello") == "usage: /topic [text] (you are not talking in a room)");
  CHECK(error("/kick bob") == "usage: /kick <nick> (you are not talking in a room)");
  CHECK(error("/kick", main_room) == "usage: /kick <nick>");
  CHECK(error("/kick bob carol", main_room) == "usage: /kick <nick>");
}

TEST_CASE("/me sends an action to the current conversation") {
  CHECK(lines("/me waves", main_room) == Lines{"MSG #main /me waves"});
  CHECK(lines("/me  waves  twice") == Lines{"MSG * /me waves  twice"});
  CHECK(error("/me") == "usage: /me <text>");
}
