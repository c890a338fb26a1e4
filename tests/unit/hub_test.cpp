// The hub on its own, against clients that record what they are handed: routing, events and
// who gets them, ownership, limits, several connections per account, and (with a real SQLite
// store in memory) that nothing is announced before it is stored.
#include "chatd/hub/hub.hpp"

#include <doctest/doctest.h>

#include <asio/io_context.hpp>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "chatd/store/open_store.hpp"
#include "tests/unit/captured.hpp"
#include "tests/unit/hub_world.hpp"
#include "tests/unit/recording_client.hpp"

using chat::Hub;
using chat::protocol::Error;
using chat::protocol::Target;
using chat::testing::Captured;
using chat::testing::RecordingClient;
using chat::testing::World;

namespace {

std::string room_of(const Hub::RoomResult& result) {
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

Error error_of(const Hub::RoomResult& result) {
  REQUIRE(std::holds_alternative<Error>(result));
  return std::get<Error>(result);
}

Hub::RoomResult join(Hub& hub, const std::string& id, const std::string& room) {
  Captured<Hub::RoomResult> result;
  hub.join_room(id, room, result.callback());
  REQUIRE(result.value);
  return *result.value;
}

Hub::RoomResult destroy(Hub& hub, const std::string& id, const std::string& room) {
  Captured<Hub::RoomResult> result;
  hub.destroy_room(id, room, result.callback());
  REQUIRE(result.value);
  return *result.value;
}

Hub::MessageResult send(Hub& hub, const std::string& id, const chat::Client& origin, Target target,
                        const std::string& text) {
  Captured<Hub::MessageResult> result;
  hub.send(id, origin, target, text, result.callback());
  REQUIRE(result.value);
  return *result.value;
}

const Target room_main{Target::Kind::room, "#main"};

}  // namespace

TEST_CASE("presence: others hear of a login, a rename and a departure; the user does not") {
  World world;
  RecordingClient alice, bob;
  const auto alice_id = world.login(alice, "alice");
  world.login(bob, "bob");
  CHECK(alice.take() == std::vector<std::string>{"EVENT ONLINE * bob"});
  CHECK(bob.take().empty());

  CHECK_FALSE(world.hub.rename(alice_id, alice, "Alicia"));
  CHECK(bob.take() == std::vector<std::string>{"EVENT RENAME * Alicia alice"});
  CHECK(alice.take().empty());

  RecordingClient taker;
  CHECK(std::get<Error>(world.hub.login(taker, "ALICIA")) == Error::username_taken);
  world.hub.detach(alice_id, alice);
  CHECK(bob.take() == std::vector<std::string>{"EVENT OFFLINE * Alicia"});
  CHECK(world.hub.nicknames() == std::vector<std::string>{"bob"});
}

TEST_CASE("rooms: creation is told to everyone, a join to the members, a leave to those left") {
  World world;
  RecordingClient alice, bob, carol;
  const auto alice_id = world.login(alice, "alice");
  const auto bob_id = world.login(bob, "bob");
  world.login(carol, "carol");
  for (auto* client : {&alice, &bob, &carol}) client->take();

  CHECK(room_of(join(world.hub, alice_id, "#Main")) == "#Main");
  CHECK(alice.take() ==
        std::vector<std::string>{"EVENT CREATE #Main alice", "EVENT JOIN #Main alice"});
  CHECK(carol.take() == std::vector<std::string>{"EVENT CREATE #Main alice"});
  CHECK(bob.take() == std::vector<std::string>{"EVENT CREATE #Main alice"});
  CHECK(room_of(join(world.hub, bob_id, "#main")) == "#Main");
  CHECK(alice.take() == std::vector<std::string>{"EVENT JOIN #Main bob"});
  CHECK(bob.take() == std::vector<std::string>{"EVENT JOIN #Main bob"});
  CHECK(carol.take().empty());
  CHECK(error_of(join(world.hub, bob_id, "#MAIN")) == Error::already_member);

  send(world.hub, alice_id, alice, room_main, "hello");
  CHECK(alice.take() == std::vector<std::string>{"MESSAGE #Main alice hello"});
  CHECK(bob.take() == std::vector<std::string>{"MESSAGE #Main alice hello"});
  CHECK(carol.take().empty());

  Captured<Hub::RoomResult> left;
  world.hub.leave_room(bob_id, "#main", left.callback());
  CHECK(room_of(*left.value) == "#Main");
  CHECK(alice.take() == std::vector<std::string>{"EVENT LEAVE #Main bob"});
  CHECK(bob.take().empty());
}

TEST_CASE("who may destroy a room") {
  World world;
  RecordingClient owner, member, outsider;
  const auto owner_id = world.login(owner, "owner");
  const auto member_id = world.login(member, "member");
  const auto outsider_id = world.login(outsider, "outsider");
  join(world.hub, owner_id, "#den");
  join(world.hub, member_id, "#den");

  CHECK(error_of(destroy(world.hub, member_id, "#den")) == Error::not_room_owner);
  CHECK(error_of(destroy(world.hub, outsider_id, "#den")) == Error::not_room_owner);
  // A guest owner that left: the room outlives it, and its members may destroy it; others not.
  world.hub.detach(owner_id, owner);
  CHECK(error_of(destroy(world.hub, outsider_id, "#den")) == Error::not_room_owner);
  CHECK(room_of(destroy(world.hub, member_id, "#den")) == "#den");
  CHECK(error_of(destroy(world.hub, member_id, "#den")) == Error::no_such_room);
  CHECK(world.hub.room_names().empty());
}

TEST_CASE("messages: only members write to a room; private messages reach both sides") {
  World world;
  RecordingClient alice, bob;
  const auto alice_id = world.login(alice, "alice");
  const auto bob_id = world.login(bob, "bob");
  join(world.hub, alice_id, "#main");
  alice.take();
  bob.take();
  CHECK(std::get<Error>(send(world.hub, bob_id, bob, room_main, "hi")) == Error::not_member);
  CHECK(std::get<Error>(send(world.hub, bob_id, bob, {Target::Kind::room, "#nowhere"}, "hi")) ==
        Error::no_such_room);
  CHECK(std::get<Error>(send(world.hub, bob_id, bob, {Target::Kind::user, "carol"}, "hi")) ==
        Error::no_such_user);
  const auto sent = std::get<chat::protocol::ChatMessage>(
      send(world.hub, bob_id, bob, {Target::Kind::user, "ALICE"}, "psst"));
  CHECK(sent.target == "@alice");
  CHECK(alice.take() == std::vector<std::string>{"MESSAGE @alice bob psst"});
  CHECK(bob.take() == std::vector<std::string>{"MESSAGE @alice bob psst"});
}

TEST_CASE("limits: rooms in all and per creator") {
  chat::IdGenerator ids;
  Hub hub(ids, chat::HubLimits{3, 2}, nullptr);
  RecordingClient alice, bob;
  const auto alice_id = std::get<std::string>(hub.login(alice, "alice"));
  const auto bob_id = std::get<std::string>(hub.login(bob, "bob"));
  CHECK(room_of(join(hub, alice_id, "#a1")) == "#a1");
  CHECK(room_of(join(hub, alice_id, "#a2")) == "#a2");
  CHECK(error_of(join(hub, alice_id, "#a3")) == Error::room_limit);
  CHECK(room_of(join(hub, bob_id, "#b1")) == "#b1");
  CHECK(error_of(join(hub, bob_id, "#b2")) == Error::room_limit);  // 3 in all
  CHECK(room_of(destroy(hub, alice_id, "#a1")) == "#a1");
  CHECK(room_of(join(hub, bob_id, "#b2")) == "#b2");
}

TEST_CASE(
    "with a store: accounts, several connections, rooms kept while offline, and nothing "
    "announced before it is stored") {
  asio::io_context io;
  chat::IdGenerator ids;
  const auto store = chat::store::open_store(io.get_executor(), ":memory:");
  Hub hub(ids, chat::HubLimits{}, store.get());
  RecordingClient laptop, phone, bob;
  const auto id = std::get<std::string>(hub.login(laptop, "alice"));
  const auto bob_id = std::get<std::string>(hub.login(bob, "bob"));
  Captured<std::optional<Error>> registered;
  hub.register_account(id, "hash", std::nullopt, registered.callback());
  io.run();
  io.restart();
  REQUIRE(registered.value);
  CHECK_FALSE(*registered.value);
  CHECK(hub.account_id("ALICE") == id);

  CHECK(hub.attach(phone, id) == "alice");
  laptop.take();
  bob.take();  // a second connection is no news
  Captured<Hub::RoomResult> joined;
  hub.join_room(id, "#keep", joined.callback());
  CHECK_FALSE(joined.value);  // not before the store has it
  CHECK(bob.take() == std::vector<std::string>{});
  io.run();
  io.restart();
  CHECK(room_of(*joined.value) == "#keep");
  CHECK(bob.take() == std::vector<std::string>{"EVENT CREATE #keep alice"});
  CHECK(phone.take() ==
        std::vector<std::string>{"EVENT CREATE #keep alice", "EVENT JOIN #keep alice"});
  CHECK(laptop.take() ==
        std::vector<std::string>{"EVENT CREATE #keep alice", "EVENT JOIN #keep alice"});

  Captured<Hub::MessageResult> sent;
  hub.send(bob_id, bob, {Target::Kind::user, "alice"}, "to both devices", sent.callback());
  CHECK(laptop.lines.empty());
  io.run();
  io.restart();
  CHECK(laptop.take() == std::vector<std::string>{"MESSAGE @alice bob to both devices"});
  CHECK(phone.take() == std::vector<std::string>{"MESSAGE @alice bob to both devices"});
  CHECK(bob.take() == std::vector<std::string>{"MESSAGE @alice bob to both devices"});

  hub.detach(id, laptop);
  CHECK(bob.take().empty());  // the phone is still there
  hub.detach(id, phone);
  CHECK(bob.take() == std::vector<std::string>{"EVENT OFFLINE * alice"});
  // Offline, still a member, nickname still taken.
  CHECK(std::get<std::vector<std::string>>(hub.members("#keep")) ==
        std::vector<std::string>{"#keep", "alice"});
  RecordingClient impostor;
  CHECK(std::get<Error>(hub.login(impostor, "alice")) == Error::nickname_registered);
}
