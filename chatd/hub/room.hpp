#pragma once

#include <set>
#include <string>
#include <vector>

#include "chatd/store/store.hpp"

namespace chat {

class Client;

struct Room {
  std::string name;                  // as created, e.g. "#Main"
  std::string owner_id;              // the creator, who may destroy it
  std::set<std::string> member_ids;  // everyone's, on any node, online or not
  store::Topic topic = {};
  std::string quota_key = {};  // whose count of rooms it is in (HubLimits::max_rooms_per_owner)
  // This node's connections of its members: a message goes to each without looking its user
  // up, an event only to those that show events (a join into a room of thousands costs nothing
  // for plain connections). Kept by the Hub with member_ids, users' clients and wants_events.
  std::vector<Client*> clients = {};
  std::vector<Client*> watchers = {};
};

}  // namespace chat
