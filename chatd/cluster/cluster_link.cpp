#include "chatd/cluster/cluster_link.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "protocol/names.hpp"

namespace chat::cluster {
namespace {

// The bus is a stream, not a pub/sub channel: a node whose connection to Redis drops for a
// moment reads on from the last entry it saw, where pub/sub would have lost what was said
// meanwhile. Trimmed to about this many entries (minutes of traffic): the gap a node can
// bridge.
constexpr const char* bus_stream = "chat:bus";
constexpr const char* bus_length = "100000";
constexpr const char* read_batch = "1000";
constexpr auto read_block = std::chrono::seconds(1);
constexpr std::size_t max_backlog = 10000;
constexpr auto tick_interval = std::chrono::seconds(1);
constexpr auto reply_timeout = std::chrono::seconds(3);
constexpr auto connect_timeout = std::chrono::seconds(5);

std::string node_key(const std::string& node) { return "chat:node:" + node; }
std::string nickname_key(const std::string& folded) { return "chat:nick:" + folded; }

// A lease is "<node> <incarnation>"; it holds while that node's heartbeat key names that
// incarnation. Atomic in Redis, so that of two nodes racing for a nickname exactly one wins.
constexpr const char* claim_script = R"(
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  local node, incarnation = string.match(holder, '^(%S+) (%S+)$')
  if node and redis.call('GET', 'chat:node:' .. node) == incarnation then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
)";
constexpr const char* release_script = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)";

bool is(const redisReply* reply, int type) { return reply && reply->type == type; }

// XREAD's answer, [[stream, [[id, [field, value]], ...]]]: each entry's id and value.
template <typename Visit>
void each_entry(const redisReply& reply, Visit visit) {
  if (reply.elements != 1 || !is(reply.element[0], REDIS_REPLY_ARRAY) ||
      reply.element[0]->elements != 2 || !is(reply.element[0]->element[1], REDIS_REPLY_ARRAY)) {
    return;
  }
  const auto& entries = *reply.element[0]->element[1];
  for (std::size_t i = 0; i < entries.elements; ++i) {
    const auto* entry = entries.element[i];
    if (!is(entry, REDIS_REPLY_ARRAY) || entry->elements != 2 ||
        !is(entry->element[0], REDIS_REPLY_STRING) || !is(entry->element[1], REDIS_REPLY_ARRAY) ||
        entry->element[1]->elements != 2 ||
        !is(entry->element[1]->element[1], REDIS_REPLY_STRING)) {
      continue;
    }
    const auto* value = entry->element[1]->element[1];
    visit(std::string_view(entry->element[0]->str, entry->element[0]->len),
          std::string_view(value->str, value->len));
  }
}

void log(const std::string& line) { std::fprintf(stderr, "chatd: %s\n", line.c_str()); }

std::string random_incarnation() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  std::string hex;
  for (const auto byte : bytes) hex += fmt::format("{:02x}", byte);
  return hex;
}

}  // namespace

ClusterLink::ClusterLink(asio::any_io_executor executor, Hub& hub, ClusterConfig config)
    : executor_(std::move(executor)),
      hub_(hub),
      config_(std::move(config)),
      started_(std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count()),
      timer_(executor_),
      resolver_(executor_) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  incarnation_ = random_incarnation();
}

ClusterLink::~ClusterLink() {
  // The connections' last callbacks (null replies) find this still whole.
  stopping_ = true;
  reader_.reset();
  commands_.reset();
}

void ClusterLink::start() {
  connect();
  tick();
}

void ClusterLink::connect() {
  connecting_since_ = Clock::now();
  failed_ = false;
  reading_ = false;
  // Ready once both are: one connection to write with, one to wait on the bus with.
  commands_ = std::make_unique<RedisConnection>(
      executor_,
      [this] {
        if (reading_) ready();
      },
      [this](std::string why) { lost(why); });
  reader_ = std::make_unique<RedisConnection>(
      executor_, [this] { start_reading(); }, [this](std::string why) { lost(why); });
  // hiredis would resolve a name synchronously, stalling every client meanwhile: Asio does it.
  resolver_.cancel();
  resolver_.async_resolve(
      config_.redis_host, std::to_string(config_.redis_port),
      [this, attempt = connecting_since_](asio::error_code error,
                                          asio::ip::tcp::resolver::results_type found) {
        if (error == asio::error::operation_aborted || stopping_ || attempt != connecting_since_) {
          return;
        }
        if (error || found.empty()) {
          return lost("cannot resolve " + config_.redis_host + ": " + error.message());
        }
        const auto ip = found.begin()->endpoint().address().to_string();
        commands_->connect(ip, config_.redis_port);
        reader_->connect(ip, config_.redis_port);
      });
}

void ClusterLink::start_reading() {
  if (!last_read_.empty()) return read_on();  // a reconnection: on from where it was
  // The first connection: from the bus's end as it is now, this node's hello included.
  reader_->command({"XREVRANGE", bus_stream, "+", "-", "COUNT", "1"},
                   [this](const redisReply* reply) {
                     if (!reply || reply->type != REDIS_REPLY_ARRAY) return;
                     last_read_ = "0-0";
                     if (reply->elements == 1 && reply->element[0]->type == REDIS_REPLY_ARRAY &&
                         reply->element[0]->elements == 2) {
                       const auto* id = reply->element[0]->element[0];
                       last_read_.assign(id->str, id->len);
                     }
                     read_on();
                   });
}

void ClusterLink::read_on() {
  if (!reading_) {
    reading_ = true;
    if (commands_->up()) ready();
  }
  read_since_ = Clock::now();
  reader_->command({"XREAD", "BLOCK", std::to_string(std::chrono::milliseconds(read_block).count()),
                    "COUNT", read_batch, "STREAMS", bus_stream, last_read_},
                   [this](const redisReply* reply) {
                     if (!reply || stopping_) return;  // the connection went: lost() says so
                     if (reply->type == REDIS_REPLY_ARRAY) {
                       each_entry(*reply, [this](std::string_view id, std::string_view payload) {
                         last_read_ = id;
                         received(payload);
                       });
                     } else if (reply->type == REDIS_REPLY_ERROR) {
                       return lost(std::string("Redis refused XREAD: ") + reply->str);
                     }
                     read_on();
                   });
}

void ClusterLink::ready() {
  up_ = true;
  beat_unanswered_since_.reset();
  log("cluster link up");
  // Silence while this node was cut off says nothing of the others.
  for (auto& [name, peer] : peers_) peer.seen = Clock::now();
  // First what waited, in the order it was numbered: anything sent before it would make the
  // others take it for a repeat.
  auto waiting = std::move(in_flight_);
  for (auto& text : backlog_) waiting.push_back(std::move(text));
  backlog_.clear();
  for (auto& text : waiting) send_encoded(std::move(text));
  if (dropped_) {
    // The others missed some of this node's changes: as a new incarnation it is a node they
    // forget and then learn again whole.
    log(fmt::format("{} changes were dropped while the cluster was away", dropped_));
    dropped_ = 0;
    incarnation_ = random_incarnation();
  }
  beat(false);
  const auto state = hub_.local_state();
  std::set<std::string> held;
  for (const auto& update : state) {
    if (const auto* on = std::get_if<peer::UserOnline>(&update)) {
      held.insert(protocol::fold_case(on->nickname));
    }
  }
  for (auto& folded : std::exchange(releases_, {})) {
    if (!held.contains(folded)) release_nickname(folded);
  }
  // After a Redis restart the leases are gone: this node's users take theirs again.
  for (const auto& folded : held) {
    claim_nickname(folded, [folded](std::optional<protocol::Error> error) {
      if (error) log("nickname " + folded + " is held by another node now");
    });
  }
  send(message(Hello{}));
  for (auto update : state) send(message(std::move(update)));
}

void ClusterLink::lost(const std::string& why) {
  if (stopping_) return;
  const bool was_up = std::exchange(up_, false);
  if (was_up) log("cluster link lost: " + why);
  // The connections may be hiredis's callers right now: they are replaced on the next tick.
  failed_ = true;
  // Never acknowledged: they go again, first, once the link is back.
  for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) backlog_.push_front(*it);
  in_flight_.clear();
}

void ClusterLink::tick() {
  if (stopping_) return;
  const auto now = Clock::now();
  if (up_) {
    if ((beat_unanswered_since_ && now - *beat_unanswered_since_ > reply_timeout) ||
        now - read_since_ > read_block + reply_timeout) {
      // A Redis that takes the connection but does not answer is as good as gone.
      lost("Redis does not answer");
      connect();
    } else {
      beat(false);
      for (auto it = peers_.begin(); it != peers_.end();) {
        if (now - it->second.seen > node_timeout) {
          log("node " + it->first + " is gone (no heartbeat)");
          lapsed_[it->first] = it->second.incarnation;
          forget_peer(it++);
        } else {
          ++it;
        }
      }
    }
  } else if (now - connecting_since_ >= (failed_ ? tick_interval : connect_timeout)) {
    connect();
  }
  timer_.expires_after(tick_interval);
  timer_.async_wait([this](asio::error_code error) {
    if (!error) tick();
  });
}

void ClusterLink::beat(bool leaving) {
  if (!beat_unanswered_since_) beat_unanswered_since_ = Clock::now();
  commands_->command({"SET", node_key(config_.node_name), incarnation_, "PX",
                      std::to_string(std::chrono::milliseconds(node_timeout).count())},
                     [this](const redisReply* reply) {
                       if (reply) beat_unanswered_since_.reset();
                     });
  peer::NodeInfo self{config_.node_name, config_.node_address, config_.node_kind,
                      hub_.local_users(), started_};
  send(message(Beat{std::move(self), leaving}));
}

void ClusterLink::stop() {
  stopping_ = true;
  timer_.cancel();
  resolver_.cancel();
  if (!up_) {
    commands_.reset();
    reader_.reset();
    return;
  }
  reader_.reset();
  beat(true);
  commands_->command({"DEL", node_key(config_.node_name)}, [this](const redisReply*) {
    asio::post(executor_, [this] { commands_.reset(); });
  });
  // A Redis that does not answer must not keep the node from stopping.
  timer_.expires_after(reply_timeout);
  timer_.async_wait([this](asio::error_code error) {
    if (!error) commands_.reset();
  });
}

void ClusterLink::send(BusMessage message) {
  message.sequence = ++sent_;
  send_encoded(encode(message));
}

void ClusterLink::send_encoded(std::string text) {
  if (!up_) {
    // Kept for when the link is back, the oldest giving way: memory stays bounded.
    if (backlog_.size() >= max_backlog) {
      backlog_.pop_front();
      ++dropped_;
    }
    backlog_.push_back(std::move(text));
    return;
  }
  in_flight_.push_back(text);
  commands_->command({"XADD", bus_stream, "MAXLEN", "~", bus_length, "*", "m", std::move(text)},
                     [this](const redisReply* reply) {
                       // A null reply: the connection went; lost() puts what is in flight
                       // back in the backlog.
                       if (!reply || in_flight_.empty()) return;
                       in_flight_.pop_front();
                       if (reply->type == REDIS_REPLY_ERROR) {
                         log(std::string("Redis refused XADD: ") + reply->str);
                       }
                     });
}

void ClusterLink::publish(peer::Update update) {
  if (stopping_) return;
  send(message(std::move(update)));
}

void ClusterLink::received(std::string_view text) {
  auto decoded = decode(text);
  if (!decoded) return log("a bus message that is not one was ignored");
  auto& bus = *decoded;
  if (bus.node == config_.node_name) {
    if (bus.incarnation != incarnation_ && !std::holds_alternative<Hello>(bus.body)) {
      log("another node calls itself " + bus.node + ": give each node a name of its own");
    }
    return;
  }
  const auto* beat = std::get_if<Beat>(&bus.body);
  if (beat && beat->leaving) {
    if (const auto it = peers_.find(bus.node); it != peers_.end()) forget_peer(it);
    return;
  }
  auto& peer = heard_from(bus.node, bus.incarnation);
  // Sent again after a reconnection whose first sending Redis did take: applied once.
  if (bus.sequence <= peer.last_sequence) return;
  peer.last_sequence = bus.sequence;
  if (beat) {
    peer.info = beat->node;
    return;
  }
  if (std::holds_alternative<Hello>(bus.body)) {
    // A node (re)joined: what this one's users are doing, for it to know.
    for (auto& update : hub_.local_state()) send(message(std::move(update)));
    return;
  }
  hub_.apply(bus.node, std::get<peer::Update>(bus.body));
}

ClusterLink::Peer& ClusterLink::heard_from(const std::string& node,
                                           const std::string& incarnation) {
  auto it = peers_.find(node);
  if (it != peers_.end() && it->second.incarnation != incarnation) {
    log("node " + node + " restarted");
    forget_peer(it);
    it = peers_.end();
  }
  if (it == peers_.end()) {
    log("node " + node + " is in the cluster");
    it = peers_.emplace(node, Peer{incarnation, 0, std::nullopt, Clock::now()}).first;
    if (const auto lapsed = lapsed_.find(node); lapsed != lapsed_.end()) {
      // Counted gone, but only slow: its users were dropped here, and it must say them again.
      if (lapsed->second == incarnation) send(message(Hello{}));
      lapsed_.erase(lapsed);
    }
  }
  it->second.seen = Clock::now();
  return it->second;
}

void ClusterLink::forget_peer(std::map<std::string, Peer>::iterator peer) {
  const auto node = peer->first;
  peers_.erase(peer);
  // Of the nodes left, the first by name tidies the store after it.
  hub_.node_gone(node, peers_.empty() || config_.node_name < peers_.begin()->first);
}

void ClusterLink::claim_nickname(const std::string& folded,
                                 std::function<void(std::optional<protocol::Error>)> done) {
  if (!up_) return done(protocol::Error::cluster_unavailable);
  commands_->command({"EVAL", claim_script, "1", nickname_key(folded), lease()},
                     [done = std::move(done)](const redisReply* reply) {
                       if (!reply || reply->type != REDIS_REPLY_INTEGER) {
                         return done(protocol::Error::cluster_unavailable);
                       }
                       if (reply->integer == 0) return done(protocol::Error::username_taken);
                       done(std::nullopt);
                     });
}

void ClusterLink::release_nickname(const std::string& folded) {
  // Given back once the link is up again (the lease outlives a short drop); not if this node
  // gave the name to someone else meanwhile (ready() checks).
  if (!up_) return releases_.push_back(folded);
  commands_->command({"EVAL", release_script, "1", nickname_key(folded), lease()},
                     [this, folded](const redisReply* reply) {
                       if (!reply && !stopping_) releases_.push_back(folded);
                     });
}

std::vector<peer::NodeInfo> ClusterLink::nodes() const {
  std::vector<peer::NodeInfo> nodes{
      {config_.node_name, config_.node_address, config_.node_kind, hub_.local_users(), started_}};
  for (const auto& [name, peer] : peers_) {
    if (peer.info) nodes.push_back(*peer.info);
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return nodes;
}

}  // namespace chat::cluster
