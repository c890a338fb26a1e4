#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chatd/cluster/bus_message.hpp"
#include "chatd/cluster/redis_connection.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/hub/peers.hpp"

namespace chat::cluster {

struct ClusterConfig {
  std::string redis_host;  // a name or an address, resolved at each (re)connection
  std::uint16_t redis_port = 6379;
  std::string node_name;
  std::string node_address;  // what NODES shows
  std::string node_kind;     // full, console or web
};

// This node's link to the others through Redis. Every hub change goes onto one stream, the bus
// (docs/architecture.md says why one); every node applies the others' to its hub. A
// heartbeat key per node, refreshed every second and expiring after five, says who is alive:
// nickname leases hold only while their node's key does. When Redis goes away the link keeps
// what it had to publish (up to a bound), reconnects every second, and on return publishes it,
// claims its users' nicknames again and tells the others its state.
class ClusterLink final : public Peers {
 public:
  ClusterLink(asio::any_io_executor executor, Hub& hub, ClusterConfig config);
  ~ClusterLink();

  void start();
  // The node is stopping: the others are told, so they need not wait for its heartbeat to lapse.
  void stop();

  void publish(peer::Update update) override;
  void claim_nickname(const std::string& folded,
                      std::function<void(std::optional<protocol::Error>)> done) override;
  void release_nickname(const std::string& folded) override;
  std::vector<peer::NodeInfo> nodes() const override;

  // How long a node may go without a heartbeat before the others count it gone.
  static constexpr std::chrono::seconds node_timeout{5};

 private:
  using Clock = std::chrono::steady_clock;
  struct Peer {
    std::string incarnation;
    std::uint64_t last_sequence = 0;     // of the messages applied: one sent again is dropped
    std::optional<peer::NodeInfo> info;  // none until its first heartbeat
    Clock::time_point seen;
  };

  void connect();
  void ready();
  void start_reading();
  void read_on();
  void lost(const std::string& why);
  void tick();
  void beat(bool leaving);
  void send(BusMessage message);
  void send_encoded(std::string text);
  void received(std::string_view text);
  // Notes a node's message; a new incarnation of a known node means the old one's users left.
  Peer& heard_from(const std::string& node, const std::string& incarnation);
  void forget_peer(std::map<std::string, Peer>::iterator peer);
  std::string lease() const { return config_.node_name + " " + incarnation_; }
  BusMessage message(decltype(BusMessage::body) body) const {
    return {config_.node_name, incarnation_, std::move(body)};
  }

  asio::any_io_executor executor_;
  Hub& hub_;
  ClusterConfig config_;
  std::string incarnation_;
  long long started_;
  std::unique_ptr<RedisConnection> commands_;
  std::unique_ptr<RedisConnection> reader_;
  asio::steady_timer timer_;
  asio::ip::tcp::resolver resolver_;
  bool up_ = false;
  bool reading_ = false;
  std::string last_read_;  // the bus's last entry this node has read; empty before the first
  Clock::time_point read_since_;
  bool failed_ = false;  // the last attempt failed: the next one comes on the next tick
  bool stopping_ = false;
  Clock::time_point connecting_since_;
  std::optional<Clock::time_point> beat_unanswered_since_;
  // Published and not yet acknowledged (sent again after a reconnection), and waiting for one.
  std::deque<std::string> in_flight_;
  std::deque<std::string> backlog_;
  std::size_t dropped_ = 0;
  std::map<std::string, Peer> peers_;
  // Nodes counted gone for silence, by incarnation: if one speaks again it was only slow, and
  // is asked (Hello) for its users again.
  std::map<std::string, std::string> lapsed_;
  // Nicknames to give back once the link is up again.
  std::vector<std::string> releases_;
  std::uint64_t sent_ = 0;  // the sequence number of this incarnation's last bus message
};

}  // namespace chat::cluster
