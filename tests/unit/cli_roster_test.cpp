#include <doctest/doctest.h>

#include "cli/roster.hpp"

using chat::cli::Roster;
using chat::protocol::Event;
using chat::protocol::Reply;
using Names = std::vector<std::string>;

namespace {

Event event(Event::Kind kind, std::string room, std::string nick, std::string previous = {}) {
  return {kind,
          "2026-11-23T15:32:54.691Z",
          std::move(room),
          "id",
          std::move(nick),
          std::move(previous)};
}

}  // namespace

TEST_CASE("list replies fill the roster; completion ignores case") {
  Roster roster;
  roster.apply(Reply{"USERS", {"alice", "Albert", "bob"}});
  roster.apply(Reply{"ROOMS", {"#main", "#Maths", "#dev"}});
  CHECK(roster.complete("al") == Names{"Albert", "alice"});
  CHECK(roster.complete("AL") == Names{"Albert", "alice"});
  CHECK(roster.complete("#ma") == Names{"#main", "#Maths"});
  CHECK(roster.complete("") == Names{"Albert", "alice", "bob"});
  CHECK(roster.complete("zed").empty());

  roster.apply(Reply{"USERS", {"carol"}});  // a full list replaces
  CHECK(roster.complete("") == Names{"carol"});
  roster.apply(Reply{"MEMBERS", {"#new", "dave"}});  // a room's members add
  CHECK(roster.complete("") == Names{"carol", "dave"});
  CHECK(roster.complete("#n") == Names{"#new"});
}

TEST_CASE("events keep the roster current") {
  using Kind = Event::Kind;
  Roster roster;
  roster.apply(event(Kind::online, "*", "alice"));
  roster.apply(event(Kind::create, "#main", "alice"));
  roster.apply(event(Kind::join, "#dev", "bob"));
  CHECK(roster.complete("") == Names{"alice", "bob"});
  CHECK(roster.complete("#") == Names{"#dev", "#main"});

  roster.apply(event(Kind::rename, "*", "ally", "alice"));
  roster.apply(event(Kind::offline, "*", "bob"));
  roster.apply(event(Kind::destroy, "#main", "ally"));
  CHECK(roster.complete("") == Names{"ally"});
  CHECK(roster.complete("#") == Names{"#dev"});

  roster.add_user("Zoe");
  CHECK(roster.complete("z") == Names{"Zoe"});
  roster.clear();
  CHECK(roster.complete("").empty());
}
