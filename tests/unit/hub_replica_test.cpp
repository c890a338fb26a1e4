// A hub as one node of a cluster: what it makes of the other nodes' updates (Hub::apply,
// node_gone) and what it tells a node that joins (local_state), against clients that record
// what they are handed. No link to Redis here: integration.chatd_cluster runs the real one.
#include <doctest/doctest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <string>
#include <variant>
#include <vector>

#include "chatd/hub/hub.hpp"
#include "chatd/store/open_store.hpp"
#include "tests/unit/captured.hpp"
#include "tests/unit/hub_world.hpp"
#include "tests/unit/recording_client.hpp"

using chat::Hub;
using chat::protocol::Error;
using chat::protocol::Event;
using chat::protocol::Target;
using chat::testing::Captured;
using chat::testing::RecordingClient;
namespace peer = chat::peer;

namespace {

// This node, and what the others tell it.
struct Node : chat::testing::World {
  // A change made on node `from`, as its hub describes it.
  void change(const std::string& from, Event::Kind kind, const std::string& room,
              const std::string& user_id, const std::string& nickname, std::string detail = {},
              std::string to = {}) {
    hub.apply(from, peer::Change{Event{kind, "2026-11-29T12:00:00.000Z", room, user_id, nickname,
                                       std::move(detail)},
                                 std::move(to)});
  }
  void online(const std::string& from, const std::string& user_id, const std::string& nickname,
              std::vector<std::string> rooms = {}, bool registered = false) {
    hub.apply(from, peer::UserOnline{user_id, nickname, registered, {}, std::move(rooms)});
  }
  std::vector<std::string> members(const std::string& room) {
    auto found = hub.members(room);
    REQUIRE(std::holds_alternative<std::vector<std::string>>(found));
    return std::get<std::vector<std::string>>(found);
  }
  Error refused_login(const std::string& nick) {
    RecordingClient client;
    auto result = hub.login(client, nick);
    REQUIRE(std::holds_alternative<Error>(result));
    return std::get<Error>(result);
  }
};

}  // namespace

TEST_CASE(
    "replica: another node's user comes online, joins, speaks and goes, as a local one would") {
  Node node;
  RecordingClient alice;
  node.login(alice, "alice");
  node.online("b", "bob-id", "bob");
  CHECK(alice.take() == std::vector<std::string>{"EVENT ONLINE * bob"});
  CHECK(node.hub.nicknames() == std::vector<std::string>{"alice", "bob"});
  CHECK(node.refused_login("BOB") == Error::username_taken);

  node.change("b", Event::Kind::create, "#main", "bob-id", "bob");
  node.change("b", Event::Kind::join, "#main", "bob-id", "bob");
  CHECK(alice.take() == std::vector<std::string>{"EVENT CREATE #main bob"});
  CHECK(node.members("#main") == std::vector<std::string>{"#main", "bob"});

  node.hub.apply(
      "b", peer::Message{{"m1", "2026-11-29T12:00:00.000Z", "*", "bob-id", "bob", "hi"}, "*"});
  CHECK(alice.take() == std::vector<std::string>{"MESSAGE * bob hi"});

  // A guest going away at its node leaves its rooms; its abandoned room goes.
  node.hub.apply("b", peer::UserOffline{"bob-id"});
  CHECK(alice.take() == std::vector<std::string>{"EVENT DESTROY #main bob", "EVENT OFFLINE * bob"});
  CHECK(node.hub.room_names().empty());
  RecordingClient new_bob;
  node.login(new_bob, "bob");
}

TEST_CASE("replica: an account on two nodes is offline once both are gone") {
  Node node;
  RecordingClient alice;
  node.login(alice, "alice");
  node.online("b", "acct-id", "acct", {}, true);
  node.online("c", "acct-id", "acct", {}, true);
  CHECK(alice.take() == std::vector<std::string>{"EVENT ONLINE * acct"});
  node.hub.node_gone("b", false);
  CHECK(alice.take().empty());
  CHECK(node.hub.nicknames() == std::vector<std::string>{"acct", "alice"});
  node.hub.node_gone("c", false);
  CHECK(alice.take() == std::vector<std::string>{"EVENT OFFLINE * acct"});
  // An account outlives its connections: its nickname stays its own.
  CHECK(node.refused_login("acct") == Error::nickname_registered);
}

TEST_CASE("replica: missed news never leaves a nickname pointing at nobody") {
  Node node;
  RecordingClient alice;
  node.login(alice, "alice");

  SUBCASE("a rename missed: the user comes back under its new name, the old one is free") {
    node.online("b", "bob-id", "bob");
    node.online("b", "bob-id", "robert");
    CHECK(node.hub.nicknames() == std::vector<std::string>{"alice", "robert"});
    RecordingClient other;
    node.login(other, "bob");
    // A rename from "bob" arriving now is about the name this node knew, "robert".
    node.change("b", Event::Kind::rename, "*", "bob-id", "rob", "bob");
    CHECK(node.hub.nicknames() == std::vector<std::string>{"alice", "bob", "rob"});
    RecordingClient another;
    node.login(another, "robert");
  }
  SUBCASE("a departure missed: whoever the lease gives the name to next has it") {
    node.online("b", "old-id", "carol", {});
    node.change("b", Event::Kind::create, "#c", "old-id", "carol");
    node.change("b", Event::Kind::join, "#c", "old-id", "carol");
    alice.take();
    node.online("c", "new-id", "carol");
    CHECK(node.hub.nicknames() == std::vector<std::string>{"alice", "carol"});
    CHECK(node.hub.room_names().empty());  // the stale guest's room went with it
    // The stale one went offline for this node's users too; the new one came online.
    const auto told = alice.take();
    CHECK(std::count(told.begin(), told.end(), "EVENT OFFLINE * carol") == 1);
    CHECK(std::count(told.begin(), told.end(), "EVENT ONLINE * carol") == 1);
    CHECK(node.hub.online_users() == 2);
    node.hub.apply("c", peer::UserOffline{"new-id"});
    CHECK(node.hub.nicknames() == std::vector<std::string>{"alice"});
    RecordingClient next;
    node.login(next, "carol");
  }
  SUBCASE("this node's own user keeps its nickname against another node's claim") {
    node.online("b", "bob-id", "ALICE");
    CHECK(node.hub.nicknames() == std::vector<std::string>{"ALICE", "alice"});
    CHECK(node.refused_login("alice") == Error::username_taken);
    node.hub.apply("b", peer::UserOffline{"bob-id"});
    CHECK(node.hub.nicknames() == std::vector<std::string>{"alice"});
    CHECK(node.refused_login("alice") == Error::username_taken);
  }
}

TEST_CASE("replica: rooms as the store has them, whatever order the news comes in") {
  Node node;
  RecordingClient alice;
  const auto alice_id = node.login(alice, "alice");
  node.online("b", "bob-id", "bob");
  alice.take();

  // News about a room or a user this node does not know is dropped, never half applied.
  node.change("b", Event::Kind::join, "#nowhere", "bob-id", "bob");
  node.change("b", Event::Kind::join, "#nowhere", "ghost-id", "ghost");
  CHECK(node.hub.room_names().empty());

  // Created here and on b at once: b's was stored, so its owner is the owner everywhere.
  Captured<Hub::RoomResult> created;
  node.hub.create_room(alice_id, "#twice", created.callback());
  alice.take();
  node.change("b", Event::Kind::create, "#twice", "bob-id", "bob");
  CHECK(node.hub.owner_nickname("#twice") == "bob");
  CHECK(alice.take().empty());  // the room was news to nobody here

  node.change("b", Event::Kind::join, "#twice", "bob-id", "bob");
  node.change("b", Event::Kind::join, "#twice", "ghost-id", "ghost");
  CHECK(node.members("#twice") == std::vector<std::string>{"#twice", "bob"});
  node.change("b", Event::Kind::destroy, "#twice", "bob-id", "bob");
  CHECK(alice.take() == std::vector<std::string>{"EVENT DESTROY #twice bob"});
  // Its place in alice's count of rooms is free again.
  for (int i = 0; i < 100; ++i) {
    Captured<Hub::RoomResult> made;
    node.hub.create_room(alice_id, "#r" + std::to_string(i), made.callback());
    REQUIRE(made.value);
    CHECK(std::holds_alternative<std::string>(*made.value));
  }
}

TEST_CASE("replica: a registration that arrives after the guest left still makes the account") {
  Node node;
  node.online("b", "dana-id", "dana");
  node.hub.apply("b", peer::UserOffline{"dana-id"});
  node.hub.apply("b", peer::Registered{"dana-id", "dana"});
  CHECK(node.hub.account_id("dana") == "dana-id");
  CHECK(node.refused_login("dana") == Error::nickname_registered);
}

TEST_CASE("replica: what a joining node is told: the rooms this node's users are in, and them") {
  Node node;
  RecordingClient alice;
  const auto alice_id = node.login(alice, "alice");
  Captured<Hub::RoomResult> joined;
  node.hub.join_room(alice_id, "#here", joined.callback());
  node.online("b", "bob-id", "bob");
  node.change("b", Event::Kind::create, "#there", "bob-id", "bob");
  node.change("b", Event::Kind::join, "#there", "bob-id", "bob");

  const auto state = node.hub.local_state();
  REQUIRE(state.size() == 2);
  const auto& room = std::get<peer::RoomState>(state[0]);
  CHECK(room.name == "#here");
  CHECK(room.owner_id == alice_id);
  const auto& user = std::get<peer::UserOnline>(state[1]);
  CHECK(user.user_id == alice_id);
  CHECK(user.nickname == "alice");
  CHECK(user.rooms == std::vector<std::string>{"#here"});
}

TEST_CASE("replica: a room another node made a moment ago, joined here, is that room") {
  // Two nodes' hubs on one store (the cluster's shared database), each with its own users.
  asio::io_context io;
  chat::IdGenerator ids;
  const auto store = chat::store::open_store(io.get_executor(), ":memory:");
  Hub a(ids, chat::HubLimits{}, store.get(), true);
  Hub b(ids, chat::HubLimits{}, store.get(), true);
  RecordingClient ann, ben, bea;
  const auto ann_id = std::get<std::string>(a.login(ann, "ann"));
  const auto ben_id = std::get<std::string>(b.login(ben, "ben"));
  const auto bea_id = std::get<std::string>(b.login(bea, "bea"));
  Captured<Hub::RoomResult> created;
  a.create_room(ann_id, "#party", created.callback());
  io.run();
  io.restart();
  REQUIRE(created.value);
  CHECK(std::get<std::string>(*created.value) == "#party");

  // b has not heard of it yet (the bus is slower than the store here).
  ben.take();
  bea.take();
  Captured<Hub::RoomResult> joined;
  b.join_room(ben_id, "#party", joined.callback());
  io.run();
  io.restart();
  REQUIRE(joined.value);
  CHECK(std::get<std::string>(*joined.value) == "#party");
  CHECK(bea.take().empty());  // no creation told: it was not made here
  CHECK(ben.take() == std::vector<std::string>{"EVENT JOIN #party ben"});
  CHECK(b.owner_nickname("#party") == std::nullopt);  // ann, whom b does not know yet

  Captured<Hub::RoomResult> again;
  b.create_room(bea_id, "#party", again.callback());
  CHECK(std::get<Error>(*again.value) == Error::room_exists);

  // ann's announcement of a room may reach b before the store's answer to b's own creation:
  // the room still stops counting against ben, who did not make it.
  Captured<Hub::RoomResult> made;
  a.create_room(ann_id, "#race", made.callback());
  io.run();
  io.restart();
  Captured<Hub::RoomResult> raced;
  b.join_room(ben_id, "#race", raced.callback());
  b.apply("a", chat::peer::Change{Event{
                   Event::Kind::create, "2026-11-29T12:00:00.000Z", "#race", ann_id, "ann", {}}});
  io.run();
  io.restart();
  REQUIRE(raced.value);
  CHECK(std::get<std::string>(*raced.value) == "#race");
  chat::HubLimits one_room;
  one_room.max_rooms_per_owner = 1;
  Hub c(ids, one_room, store.get(), true);
  RecordingClient cy;
  const auto cy_id = std::get<std::string>(c.login(cy, "cy"));
  for (const auto* name : {"#race2", "#race3"}) {
    Captured<Hub::RoomResult> first;
    a.create_room(ann_id, name, first.callback());
    io.run();
    io.restart();
    Captured<Hub::RoomResult> joined_too;
    c.join_room(cy_id, name, joined_too.callback());
    c.apply("a", chat::peer::Change{Event{
                     Event::Kind::create, "2026-11-29T12:00:00.000Z", name, ann_id, "ann", {}}});
    io.run();
    io.restart();
    REQUIRE(joined_too.value);
    // Neither room counts against cy: a second one is not refused for cy's limit of one.
    CHECK(std::get<std::string>(*joined_too.value) == name);
  }
}
