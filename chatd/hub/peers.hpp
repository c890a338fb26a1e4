#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chatd/hub/peer_update.hpp"
#include "protocol/error.hpp"

namespace chat {

// The other nodes of a cluster as the hub sees them: where its changes go, and who decides
// which node may give a nickname out. The hub works alone without one.
class Peers {
 public:
  virtual void publish(peer::Update update) = 0;
  // Takes a nickname (folded) for this node across the cluster; an error when another node's
  // user has it (username_taken) or the cluster cannot be asked (cluster_unavailable).
  virtual void claim_nickname(const std::string& folded,
                              std::function<void(std::optional<protocol::Error>)> done) = 0;
  // Gives back a nickname this node held (nothing if another node holds it).
  virtual void release_nickname(const std::string& folded) = 0;
  // The live nodes, this one included, sorted by name.
  virtual std::vector<peer::NodeInfo> nodes() const = 0;

 protected:
  ~Peers() = default;
};

}  // namespace chat
