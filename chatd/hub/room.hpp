#pragma once

#include <set>
#include <string>

#include "chatd/store/store.hpp"

namespace chat {

struct Room {
  std::string name;      // as created, e.g. "#Main"
  std::string owner_id;  // the creator, who may destroy it
  std::set<std::string> member_ids;
  store::Topic topic = {};
  std::string quota_key = {};  // whose count of rooms it is in (HubLimits::max_rooms_per_owner)
};

}  // namespace chat
