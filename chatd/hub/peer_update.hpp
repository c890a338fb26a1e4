#pragma once

#include <string>
#include <variant>
#include <vector>

#include "chatd/store/store.hpp"
#include "protocol/server_line.hpp"

namespace chat::peer {

// What one node's hub tells the others' so that each keeps the same picture of users and rooms
// (as IRC servers of one network do) and shows its own clients what happened elsewhere. Each
// node writes its own changes to the store; these only carry them to the others' memory.

// A user is on at the node that says so (again after a node rejoins: then with its rooms).
struct UserOnline {
  std::string user_id;
  std::string nickname;
  bool registered = false;
  std::string away;
  std::vector<std::string> rooms;  // as named; a guest's memberships are nowhere else
};

// The user's last connection at that node is gone.
struct UserOffline {
  std::string user_id;
};

// A guest became an account.
struct Registered {
  std::string user_id;
  std::string nickname;
};

// A change as its users see it: create, destroy, join, leave, kick, topic, rename, away, typing,
// read. `to`: whom a private typing or a read marker is for.
struct Change {
  protocol::Event event;
  std::string to = {};
};

// A room a node's users are in, re-announced for a node that joined late.
struct RoomState {
  std::string name;
  std::string owner_id;
  store::Topic topic;
};

// A message, stored by the node it was sent to.
struct Message {
  protocol::ChatMessage message;
  std::string conversation;  // the store's key: "#main", "*", "@<id>,<id>"
};

using Update = std::variant<UserOnline, UserOffline, Registered, Change, RoomState, Message>;

// What NODES shows of a live node.
struct NodeInfo {
  std::string name;
  std::string address;
  std::string kind;  // full, console or web (seed 004's server kinds)
  std::size_t users = 0;
  long long started = 0;  // seconds since the epoch
};

}  // namespace chat::peer
