#pragma once

#include <cstddef>

namespace chat {

// Rooms outlive their members (seed 003 creates a room before anyone joins), so their number is
// capped: otherwise one user could create rooms until every ROOMS reply is too big to send.
struct HubLimits {
  std::size_t max_rooms = 10000;
  std::size_t max_rooms_per_owner = 100;  // per account, or per address for guests
};

}  // namespace chat
