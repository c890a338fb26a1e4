#pragma once

#include <set>
#include <string>

namespace chat {

struct Room {
  std::string name;      // as created, e.g. "#Main"
  std::string owner_id;  // the creator, who may destroy it
  std::set<std::string> member_ids;
};

}  // namespace chat
