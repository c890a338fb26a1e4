#include "protocol/json_mapping.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

using namespace chat::protocol;
using Json = nlohmann::ordered_json;

namespace {

std::string line_for(const std::string& frame) {
  auto result = frame_to_line(frame);
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

std::string error_for(const std::string& frame) {
  auto result = frame_to_line(frame);
  REQUIRE(std::holds_alternative<FrameError>(result));
  return std::get<FrameError>(result).code;
}

Json frame_for(const std::string& line) {
  const auto frame = line_to_frame(line);
  REQUIRE(frame);
  return Json::parse(*frame);
}

}  // namespace

TEST_CASE("seed 003 commands and messages become chatd lines") {
  CHECK(line_for(R"({"type": "command", "action": "create", "target": "#main"})") ==
        "CREATE #main");
  CHECK(line_for(R"({"type": "command", "action": "join", "target": "#main"})") == "JOIN #main");
  CHECK(line_for(R"({"type": "command", "action": "leave", "target": "#main"})") == "LEAVE #main");
  CHECK(line_for(R"({"type": "command", "action": "destroy", "target": "#main"})") ==
        "DESTROY #main");
  CHECK(line_for(R"({"type": "message", "target": "#main", "message": "Hello guys!"})") ==
        "MSG #main Hello guys!");
  CHECK(line_for(R"({"type": "message", "target": "username", "message": "message"})") ==
        "MSG username message");
  CHECK(line_for(R"({"type":"login","nickname":"alice"})") == "USERNAME alice");
  CHECK(line_for(R"({"type":"command","action":"rooms"})") == "ROOMS");
  CHECK(line_for(R"({"type":"message","message":"to all"})") == "MSG * to all");
}

TEST_CASE("bad frames get error codes instead of lines") {
  CHECK(error_for("not json") == "invalid-json");
  CHECK(error_for("[1,2]") == "invalid-frame");
  CHECK(error_for(R"({"type":"dance"})") == "unknown-type");
  CHECK(error_for(R"({"type":"command","action":"explode","target":"#a"})") == "unknown-action");
  CHECK(error_for(R"({"type":"command","action":"join"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"message","target":"#a b","message":"x"})") == "invalid-target");
  CHECK(error_for(R"({"type":"message","target":"#a","message":42})") == "invalid-frame");
}

TEST_CASE("a line break inside a field never smuggles a second command") {
  // A message's line breaks are its own: escaped into the one MSG line (RICH MULTILINE).
  CHECK(line_for(R"({"type":"message","target":"#a","message":"hi\nQUIT"})") == "MSG #a hi\\nQUIT");
  CHECK(line_for(R"({"type":"message","target":"#a","message":"C:\\new"})") == "MSG #a C:\\\\new");
  CHECK(error_for(R"({"type":"message","target":"#a","message":"hi\r\nQUIT"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"login","nickname":"a\r\nQUIT"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"command","action":"join","target":"#a\nQUIT"})") == "invalid-frame");
}

TEST_CASE("chatd lines become seed 003 frames with seed keys first, in seed order") {
  const auto message = frame_for("MESSAGE m1 2026-11-23T15:00:00.000Z #main u1 alice Hello guys!");
  CHECK(
      message.dump() ==
      R"({"type":"message","emitter":"participant","target":"#main","identifier":"u1",)"
      R"("message":"Hello guys!","nickname":"alice","id":"m1","time":"2026-11-23T15:00:00.000Z"})");

  const auto join = frame_for("EVENT t JOIN #main u1 alice");
  CHECK(join.dump() ==
        R"({"type":"event","emitter":"participant","identifier":"u1","event":"join",)"
        R"("target":"#main","nickname":"alice","time":"t"})");
  CHECK(frame_for("EVENT t LEAVE #main u1 alice")["event"] == "left");

  const auto create = frame_for("EVENT t CREATE #main u1 alice");
  CHECK(create.dump() ==
        R"({"type":"event","emitter":"channel","identifier":"#main","event":"create",)"
        R"("nickname":"alice","time":"t"})");
  CHECK(frame_for("EVENT t DESTROY #main u1 alice")["event"] == "destroy");

  const auto rename = frame_for("EVENT t RENAME * u1 bob alice");
  CHECK(rename["emitter"] == "user");
  CHECK(rename["nickname"] == "bob");
  CHECK(rename["previous"] == "alice");
}

TEST_CASE("replies and errors become frames; internal lines are dropped") {
  CHECK(frame_for("OK USERNAME alice u1").dump() ==
        R"({"type":"reply","command":"login","nickname":"alice","identifier":"u1"})");
  CHECK(frame_for("OK ROOMS #a #b")["rooms"] == Json::array({"#a", "#b"}));
  CHECK(frame_for("OK ROOMS")["rooms"] == Json::array());
  CHECK(frame_for("OK MEMBERS #a x y").dump() ==
        R"({"type":"reply","command":"members","target":"#a","members":["x","y"]})");
  CHECK(frame_for("ERROR JOIN no-such-room No such room.").dump() ==
        R"({"type":"error","command":"join","code":"no-such-room","message":"No such room."})");
  CHECK(frame_for("ERROR * unknown-command Unrecognised command.").dump() ==
        R"({"type":"error","code":"unknown-command","message":"Unrecognised command."})");
  CHECK_FALSE(line_to_frame("OK RICH"));
  CHECK_FALSE(line_to_frame("RECEIVE bob hi"));
}

TEST_CASE("account, history and read-marker frames become chatd lines") {
  CHECK(line_for(R"({"type":"login","nickname":"alice","password":"correct-horse"})") ==
        "LOGIN alice correct-horse");
  CHECK(line_for(R"({"type":"register","password":"correct-horse"})") == "REGISTER correct-horse");
  CHECK(line_for(R"({"type":"resume","token":"abc"})") == "RESUME abc");
  CHECK(line_for(R"({"type":"password","old":"a-secret","new":"b-secret"})") ==
        "PASSWORD a-secret b-secret");
  CHECK(line_for(R"({"type":"history","target":"#main"})") == "HISTORY #main");
  CHECK(line_for(R"({"type":"history","target":"@bob","before":"id-1","limit":20})") ==
        "HISTORY @bob BEFORE id-1 20");
  CHECK(line_for(R"({"type":"history","target":"*","after":"id-2"})") == "HISTORY * AFTER id-2");
  CHECK(line_for(R"({"type":"read","target":"#main","id":"id-3"})") == "READ #main id-3");
  CHECK(line_for(R"({"type":"read","target":"#main"})") == "READ #main");
  CHECK(line_for(R"({"type":"command","action":"joined"})") == "JOINED");
  // Words that would smuggle a second argument or command are refused.
  CHECK(error_for(R"({"type":"login","nickname":"alice","password":"two words"})") ==
        "invalid-frame");
  CHECK(error_for(R"({"type":"register","password":"x\nQUIT"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"history","target":"#main","limit":-1})") == "invalid-frame");
  CHECK(error_for(R"({"type":"history","target":"#main","limit":"5"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"resume"})") == "invalid-frame");
}

TEST_CASE("multi-line messages, typing and owners in frames") {
  const auto message = frame_for("MESSAGE m1 2026-11-29T10:00:00.000Z #a u1 alice one\\ntwo \\\\n");
  CHECK(message["message"] == "one\ntwo \\n");
  CHECK(frame_for("HISTORY m1 2026-11-29T10:00:00.000Z #a u1 alice a\\nb")["message"] == "a\nb");
  CHECK(line_for(R"({"type":"typing","target":"#a","state":"active"})") == "TYPING #a active");
  CHECK(error_for(R"({"type":"typing","target":"#a"})") == "invalid-frame");
  CHECK(
      frame_for("EVENT 2026-11-29T10:00:00.000Z TYPING @bob u1 alice paused").dump() ==
      R"({"type":"event","emitter":"user","identifier":"u1","event":"typing","target":"@bob","nickname":"alice","state":"paused","time":"2026-11-29T10:00:00.000Z"})");
  CHECK_FALSE(line_to_frame("OK TYPING"));
  CHECK(line_for(R"({"type":"command","action":"owner","target":"#a"})") == "OWNER #a");
  CHECK(frame_for("OK OWNER #A alice").dump() ==
        R"({"type":"reply","command":"owner","target":"#A","owner":"alice"})");
  CHECK(frame_for("OK OWNER #A -")["owner"].is_null());
}

TEST_CASE("social sign-in frames and replies") {
  CHECK(line_for(R"({"type":"providers"})") == "PROVIDERS");
  CHECK(
      line_for(R"({"type":"authorize","provider":"GitLab","redirect_uri":"https://c.example/"})") ==
      "AUTHORIZE GitLab https://c.example/");
  CHECK(line_for(R"({"type":"signin","state":"s1","code":"c1"})") == "SIGNIN s1 c1");
  CHECK(error_for(R"({"type":"signin","state":"s1"})") == "invalid-frame");
  CHECK(error_for(R"({"type":"signin","state":"s1","code":"c1\nQUIT"})") == "invalid-frame");
  CHECK(frame_for("OK PROVIDERS GitLab Google").dump() ==
        R"({"type":"reply","command":"providers","providers":["GitLab","Google"]})");
  CHECK(
      frame_for("OK AUTHORIZE GitLab https://gitlab.example/auth?state=1").dump() ==
      R"({"type":"reply","command":"authorize","provider":"GitLab","url":"https://gitlab.example/auth?state=1"})");
  CHECK(frame_for("OK SIGNIN GitLab").dump() ==
        R"({"type":"reply","command":"signin","provider":"GitLab"})");
}

TEST_CASE("account, history and read-marker lines become frames") {
  const auto login = frame_for("OK LOGIN alice uid-1 0123abcd");
  CHECK(login == Json::parse(R"({"type":"reply","command":"login","nickname":"alice",
                                "identifier":"uid-1","token":"0123abcd"})"));
  CHECK(frame_for("OK REGISTER alice uid-1") ==
        Json::parse(
            R"({"type":"reply","command":"register","nickname":"alice","identifier":"uid-1"})"));
  CHECK(frame_for("OK JOINED #a #b") ==
        Json::parse(R"({"type":"reply","command":"joined","rooms":["#a","#b"]})"));
  CHECK(frame_for("OK HISTORY #main 2 more") ==
        Json::parse(
            R"({"type":"reply","command":"history","target":"#main","count":2,"more":true})"));
  CHECK(frame_for("OK HISTORY #main 0 end")["more"] == false);
  CHECK(frame_for("OK READ #main -")["id"].is_null());
  CHECK(frame_for("OK READ #main m-1")["id"] == "m-1");
  const auto stored = frame_for("HISTORY m-1 2026-11-23T15:32:54.691Z #main uid-1 alice hi there");
  CHECK(stored == Json::parse(R"({"type":"history","emitter":"participant","target":"#main",
                                 "identifier":"uid-1","message":"hi there","nickname":"alice",
                                 "id":"m-1","time":"2026-11-23T15:32:54.691Z"})"));
  const auto read = frame_for("EVENT 2026-11-23T15:32:54.691Z READ #main uid-1 alice m-1");
  CHECK(read == Json::parse(R"({"type":"event","emitter":"user","identifier":"uid-1","event":"read",
                               "target":"#main","nickname":"alice","id":"m-1",
                               "time":"2026-11-23T15:32:54.691Z"})"));
}

TEST_CASE("the conversations query and its answer") {
  CHECK(line_for(R"({"type":"command","action":"conversations"})") == "CONVERSATIONS");
  CHECK(frame_for("OK CONVERSATIONS #a @bob") ==
        Json::parse(R"({"type":"reply","command":"conversations","conversations":["#a","@bob"]})"));
}

TEST_CASE("topic and kick frames become chatd lines, and their lines become frames") {
  CHECK(line_for(R"({"type": "topic", "target": "#main"})") == "TOPIC #main");
  CHECK(line_for(R"({"type": "topic", "target": "#main", "topic": "a  b"})") == "TOPIC #main a  b");
  CHECK(line_for(R"({"type": "topic", "target": "#main", "topic": ""})") == "TOPIC #main ");
  CHECK(error_for(R"({"type": "topic", "target": "#main", "topic": "a\nKICK #main bob"})") ==
        "invalid-frame");
  CHECK(error_for(R"({"type": "topic", "target": "#main", "topic": 5})") == "invalid-frame");
  CHECK(line_for(R"({"type": "kick", "target": "#main", "nickname": "bob"})") == "KICK #main bob");
  CHECK(error_for(R"({"type": "kick", "target": "#main", "nickname": "bob carol"})") ==
        "invalid-frame");

  const auto topic = frame_for("OK TOPIC #main a  b");
  CHECK(topic["command"] == "topic");
  CHECK(topic["target"] == "#main");
  CHECK(topic["topic"] == "a  b");
  CHECK(frame_for("OK TOPIC #main ")["topic"] == "");
  const auto kicked = frame_for("OK KICK #main bob");
  CHECK(kicked["command"] == "kick");
  CHECK(kicked["nickname"] == "bob");

  const auto set = frame_for(
      "EVENT 2026-11-29T10:00:00.000Z TOPIC #main 9a1f3c52-1f2e-4c3b-8d4e-5f6a7b8c9d0e ann "
      "new  topic");
  CHECK(set["event"] == "topic");
  CHECK(set["identifier"] == "#main");
  CHECK(set["nickname"] == "ann");
  CHECK(set["topic"] == "new  topic");
  const auto kick = frame_for(
      "EVENT 2026-11-29T10:00:00.000Z KICK #main 9a1f3c52-1f2e-4c3b-8d4e-5f6a7b8c9d0e bob ann");
  CHECK(kick["event"] == "kick");
  CHECK(kick["target"] == "#main");
  CHECK(kick["nickname"] == "bob");
  CHECK(kick["by"] == "ann");
}
