#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "chatd/hub/peer_update.hpp"

namespace chat::cluster {

// A node's heartbeat, once a second: what NODES shows of it. `leaving`: it is stopping.
struct Beat {
  peer::NodeInfo node;
  bool leaving = false;
};

// A node (re)joined the bus: the others tell it what their users are doing.
struct Hello {};

// What goes over the bus channel, as JSON. `incarnation` tells a node's runs apart, so that a
// node restarted under the same name is seen to have lost its users before it comes back.
struct BusMessage {
  std::string node;
  std::string incarnation;
  std::variant<Beat, Hello, peer::Update> body;
  // Counts the incarnation's messages from 1: the bus may carry one twice (sent again after a
  // reconnection), and a receiver applies each once.
  std::uint64_t sequence = 0;
};

std::string encode(const BusMessage& message);
// nullopt: not a message of this version of the bus (the sender is told nothing: it is a peer).
std::optional<BusMessage> decode(std::string_view text);

}  // namespace chat::cluster
