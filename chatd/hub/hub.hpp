#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "chatd/hub/client.hpp"
#include "chatd/hub/hub_limits.hpp"
#include "chatd/hub/id_generator.hpp"
#include "chatd/hub/peer_update.hpp"
#include "chatd/hub/peers.hpp"
#include "chatd/hub/room.hpp"
#include "chatd/store/store.hpp"
#include "protocol/command.hpp"
#include "protocol/error.hpp"
#include "protocol/server_line.hpp"

namespace chat {

// All chat state: who is online under which nickname and on which connections, the accounts,
// which rooms exist and who is in them. Fronts call in with validated commands and get results
// as values; the hub routes messages and events to the clients concerned. Names are compared
// after protocol::fold_case.
//
// With a store, the hub is its system of record: accounts, rooms, memberships of accounts and
// every message are written through it, and an answer that promises durability (a message's
// OK, a room's, a registration's) is given through a callback once the store has it. Without
// one (--no-store) the callbacks run at once and nothing outlives the process.
class Hub {
 public:
  using Error = protocol::Error;
  template <typename Value>
  using Reply = std::function<void(Value)>;
  using RoomResult = std::variant<std::string, Error>;  // the room's name as created
  using MessageResult = std::variant<protocol::ChatMessage, Error>;
  // A page of history, with the conversation named as the hub spells it ("#Main", "@Bob").
  struct History {
    std::string target;
    store::HistoryPage page;
  };
  using HistoryResult = std::variant<History, Error>;
  // A read marker (the message id), with the conversation named as the hub spells it.
  struct Marker {
    std::string target;
    std::optional<std::string> message_id;
  };
  using MarkerResult = std::variant<Marker, Error>;

  // `store` may be null; otherwise its snapshot is loaded now. A `shared` store is other
  // nodes' too: a room that looks abandoned in it may belong to a guest on another node.
  Hub(IdGenerator& ids, HubLimits limits, store::Store* store, bool shared = false);

  // Other nodes to keep in step with (a cluster): from now on every change goes to them too.
  void join_cluster(Peers& peers) { peers_ = &peers; }
  // What NODES says of this node when it runs alone.
  void describe_node(peer::NodeInfo node) { node_ = std::move(node); }
  // The live nodes, this one first when alone.
  std::vector<peer::NodeInfo> nodes() const;
  // Users with a connection to this node.
  std::size_t local_users() const { return local_users_; }
  // Users online on any node.
  std::size_t online_users() const { return online_users_; }
  // A change another node made: applied to this node's picture and shown to its clients.
  void apply(const std::string& node, const peer::Update& update);
  // A node is gone (stopped, or silent too long): its users' connections there are gone.
  // `tidy`: this node deletes from the store the guests' rooms that are left abandoned (one
  // node does, for the one that can no longer).
  void node_gone(const std::string& node, bool tidy);
  // This node's users and the rooms they are in, for a node that has just joined.
  std::vector<peer::Update> local_state() const;

  // Makes sure a nickname may be taken: valid, nobody else's here, and (in a cluster) on no
  // other node. Then `login` or `rename` with it. `user_id`: whose it may already be (a rename).
  void claim_nickname(std::string_view nickname, const std::string& user_id,
                      Reply<std::optional<Error>> done);

  bool has_store() const { return store_ != nullptr; }
  // The server is stopping: connections that close from now on are not announced to the others
  // (who are closing too), so that stopping takes time in proportion to the users, not its square.
  void begin_shutdown() { stopping_ = true; }

  // A guest logs in under a free, unregistered nickname; returns its new user id. The rooms a
  // guest creates count against `quota_key` (its address, so that logging out and in again
  // does not reset the count); without one, against the guest.
  std::variant<std::string, Error> login(Client& client, std::string_view nickname,
                                         std::string quota_key = {});
  // `base` if no one has it, else `base` with the smallest number from 2 on that makes it free
  // (cut short to stay a valid nickname). `base` must be a valid nickname.
  std::string free_nickname(const std::string& base) const;
  // The account registered under a nickname, if any.
  std::optional<std::string> account_id(std::string_view nickname) const;
  // Adds a connection to an account (one account may have many); returns its nickname. The
  // account is online while it has any.
  std::string attach(Client& client, const std::string& account_id);
  // The guest's nickname becomes an account with this password hash; the user id stays.
  // With `identity`, the account is linked to it (a first sign-in), in the same transaction.
  void register_account(const std::string& user_id, std::string password_hash,
                        std::optional<store::Identity> identity, Reply<std::optional<Error>> done);
  bool is_registered(const std::string& user_id) const;
  const std::string& nickname(const std::string& user_id) const;
  std::optional<Error> rename(const std::string& user_id, const Client& origin,
                              std::string_view nickname);
  // A logged-in connection now shows events (Client::wants_events), or no longer does.
  void refresh_events(const std::string& user_id, Client& client);
  // The connection is gone. A guest's last connection leaves every room; an account keeps its
  // rooms while offline.
  void detach(const std::string& user_id, Client& client);

  // Routes a message once stored; the result is it as delivered (with its id and time). A
  // private message to an account that is offline is kept for its next login.
  void send(const std::string& user_id, const Client& origin, const protocol::Target& target,
            std::string_view text, Reply<MessageResult> done);
  // Messages kept for an account while it was offline (then no longer pending).
  void take_pending(const std::string& account_id, Reply<std::vector<protocol::ChatMessage>> done);
  void history(const std::string& user_id, const protocol::Target& target,
               const protocol::HistoryRange& range, Reply<HistoryResult> done);
  // The rooms a user is in, then the people it has private messages with ("@nick").
  void conversations(const std::string& user_id, Reply<std::vector<std::string>> done);
  // Moves the account's read marker forward (and tells its other connections), or with an
  // empty message id answers where it is.
  void read_marker(const std::string& user_id, const Client& origin, const protocol::Target& target,
                   const std::string& message_id, Reply<MarkerResult> done);

  void create_room(const std::string& user_id, std::string_view room, Reply<RoomResult> done);
  void destroy_room(const std::string& user_id, std::string_view room, Reply<RoomResult> done);
  // Joining a room that does not exist creates it, as IRC does.
  void join_room(const std::string& user_id, std::string_view room, Reply<RoomResult> done);
  void leave_room(const std::string& user_id, std::string_view room, Reply<RoomResult> done);
  // Sets a room's topic (empty: none). Its owner may, or any member once a guest owner is gone.
  void set_topic(const std::string& user_id, std::string_view room, std::string text,
                 Reply<RoomResult> done);
  // The owner removes a member from a room; the room and the one removed are told.
  void kick(const std::string& user_id, std::string_view room, std::string_view nickname,
            Reply<RoomResult> done);

  // Tells the others in a conversation (a room's members, or the other party and the user's
  // other connections) that the user is typing: active, paused or done. Nothing is stored.
  std::optional<Error> typing(const std::string& user_id, const Client& origin,
                              const protocol::Target& target, const std::string& state);

  // Marks a user away with a message, or back with an empty one; IRC clients that asked
  // (away-notify) are told.
  void set_away(const std::string& user_id, std::string message);
  // The away message of the user with this nickname; empty when present or unknown.
  std::string away_message(std::string_view nickname) const;

  std::vector<std::string> room_names() const;
  // Who is online.
  std::vector<std::string> nicknames() const;
  // The rooms a user is in.
  std::vector<std::string> joined_rooms(const std::string& user_id) const;
  // The nickname of the room's owner, while the owner exists (a guest owner may have left).
  std::optional<std::string> owner_nickname(std::string_view room) const;
  // A room's topic; nullopt when there is no such room.
  std::optional<store::Topic> topic(std::string_view room) const;
  // The room's name as created, then its members' nicknames (accounts' even while offline).
  std::variant<std::vector<std::string>, Error> members(std::string_view room) const;

 private:
  struct User {
    std::string nickname;
    std::vector<Client*> clients;  // none: not connected to this node
    std::set<std::string> nodes;   // the other nodes it is connected to
    std::set<std::string> rooms;   // folded room names
    bool registered = false;
    std::string away;       // empty: present
    std::string quota_key;  // what its rooms count against: its id, or a guest's address
  };

  // An event of a room change, for everyone (room empty) or a room's members (folded name),
  // and also for one user who is no longer a member (one kicked out).
  struct Announcement {
    protocol::Event event;
    std::string room;
    std::string also_user_id = {};
    // A room's creation: told only if the store kept this node's (not one another node made
    // in the same moment).
    std::shared_ptr<const bool> created = {};
  };

  // Answers a room command once its change is stored, announcing its events then: nobody hears
  // of a room or a membership that a crash could still undo.
  // `stored` is false once any write of the change has failed.
  void announce_when_stored(std::vector<Announcement> announcements, std::string name,
                            std::shared_ptr<bool> stored, Reply<RoomResult> done);
  // Whether a user may moderate a room (destroy it, set its topic, kick): its owner, or any
  // member once a guest owner is gone.
  bool may_moderate(const Room& room, const std::string& user_id) const;
  // One room fewer counts against `key` (destroyed, reclaimed or moved).
  void release_room_quota(const std::string& key);
  // The owner's rooms counted against `from` count against `to` instead.
  void move_room_quota(const std::string& owner_id, const std::string& from, const std::string& to);
  // A room nobody is in whose owner is gone is destroyed (telling everyone), so that guests
  // cannot fill the server with rooms that outlive them. `by` is who caused it.
  void reclaim_if_abandoned(std::map<std::string, Room>::iterator room, const std::string& by_id,
                            const std::string& by_nickname, bool local = true);
  // A guest's last connection is gone: it leaves its rooms (telling them) and its nickname.
  // `local`: it was this node's, which then writes what follows to the store.
  void remove_guest(std::unordered_map<std::string, User>::iterator guest, bool local = true);
  // A user's connections at a node are gone; it goes offline once it has none anywhere.
  // `tidy`: as node_gone's.
  void went_offline(std::unordered_map<std::string, User>::iterator user, const std::string& node,
                    bool tidy = false);
  void apply_change(const peer::Change& change);
  // The user no longer goes by this nickname; a cluster lease of this node's on it is given back.
  // Nothing when the nickname is someone else's by now.
  void forget_nickname(const std::string& folded, const std::string& user_id);
  // Another node's user goes by this nickname (its lease says so).
  void take_nickname(const std::string& folded, const std::string& user_id);
  // The user becomes a member of the room (folded name), with its connections here; false if
  // it already was.
  bool add_member(Room& room, const std::string& folded, const std::string& user_id, User& user);
  // The user is no longer a member; false if it was not. `user` may be gone already (nullptr).
  bool remove_member(Room& room, const std::string& folded, const std::string& user_id, User* user);
  // A connection of the user joins (or leaves) its rooms' connections here.
  void enter_rooms(const User& user, Client& client);
  void leave_rooms(const User& user, Client& client);
  static void enter_room_clients(Room& room, Client& client);
  static void leave_room_clients(Room& room, const User& user);
  static bool online(const User& user) { return !user.clients.empty() || !user.nodes.empty(); }
  void publish(peer::Update update) {
    if (peers_) peers_->publish(std::move(update));
  }
  // Creates a room whose name is valid and free, within the limits (the caller announces it).
  // `created` turns false if the store already had the room (another node made it): the room is
  // then that one, and this user only a member.
  std::variant<Room*, Error> add_room(const std::string& user_id, std::string_view name,
                                      std::string folded, const std::shared_ptr<bool>& stored,
                                      const std::shared_ptr<bool>& created);
  protocol::Event make_event(protocol::Event::Kind kind, const std::string& room,
                             const std::string& user_id) const;
  // A conversation a user may read: its store key and its name as shown.
  struct Conversation {
    std::string key;
    std::string name;
  };
  std::variant<Conversation, Error> conversation(const std::string& user_id,
                                                 const protocol::Target& target) const;
  void fan_out(protocol::ChatMessage message, const std::string& conversation,
               const Client* origin);
  void deliver_to_all(const Delivery& delivery, const Client* except = nullptr);
  // A logged-in connection is handed events (and presence) from now on, as it wants.
  void watch(Client& client);
  // An ONLINE or OFFLINE event, counted and handed to whoever shows presence.
  void tell_presence(const Delivery& delivery, const Client* except = nullptr);
  void deliver_to_user(const std::string& user_id, const Delivery& delivery,
                       const Client* except = nullptr);
  void deliver_to_room(const Room& room, const Delivery& delivery);
  const Client* attached(const std::string& user_id, const Client* client) const;
  // Runs `then(ok)` once everything written so far is durable (at once without a store).
  void after_stored(std::function<void(bool)> then);
  Room* find_room(std::string_view room);
  const Room* find_room(std::string_view room) const;

  IdGenerator& ids_;
  HubLimits limits_;
  store::Store* store_;
  bool shared_store_;
  Peers* peers_ = nullptr;
  peer::NodeInfo node_;
  std::size_t local_users_ = 0;
  std::size_t online_users_ = 0;  // told ONLINE and not yet OFFLINE
  bool stopping_ = false;
  std::unordered_map<std::string, std::size_t> rooms_owned_;  // by owner's user id
  std::unordered_map<std::string, User> users_;  // by user id: online users and every account
  std::unordered_map<std::string, std::string> ids_by_nickname_;  // folded nickname -> user id
  std::map<std::string, Room> rooms_;                             // folded name -> room
  // The logged-in connections that show events: those deliver_to_all hands an event to.
  std::unordered_set<Client*> event_clients_;
  // Those that show everyone's presence too (Client::wants_presence): ONLINE and OFFLINE go to
  // them only.
  std::unordered_set<Client*> presence_clients_;
  // Nicknames (folded) being claimed from the cluster, and by how many connections here.
  std::unordered_map<std::string, unsigned> claims_in_flight_;
};

}  // namespace chat
