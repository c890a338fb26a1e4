#include "chatd/hub/hub.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "protocol/names.hpp"
#include "protocol/text.hpp"
#include "protocol/timestamp.hpp"

namespace chat {
namespace {

using protocol::Event;

std::string now() { return protocol::format_timestamp(std::chrono::system_clock::now()); }

std::string private_conversation(const std::string& a, const std::string& b) {
  return a < b ? "@" + a + "," + b : "@" + b + "," + a;
}

// For writes whose failure the client is not waiting for: say so where the operator sees it.
void report(bool ok) {
  if (!ok) std::fprintf(stderr, "chatd: a change could not be stored\n");
}

// One write of a change made of several: `stored` stays true only if every one of them is.
store::Store::Done noting(const std::shared_ptr<bool>& stored) {
  return [stored](bool ok) {
    report(ok);
    *stored = *stored && ok;
  };
}

}  // namespace

Hub::Hub(IdGenerator& ids, HubLimits limits, store::Store* store, bool shared)
    : ids_(ids), limits_(limits), store_(store), shared_store_(shared) {
  if (!store_) return;
  auto snapshot = store_->load();
  for (auto& account : snapshot.accounts) {
    ids_by_nickname_.emplace(protocol::fold_case(account.nickname), account.id);
    users_.emplace(account.id, User{std::move(account.nickname), {}, {}, {}, true, {}, account.id});
  }
  for (auto& record : snapshot.rooms) {
    auto folded = protocol::fold_case(record.name);
    Room room{
        std::move(record.name), record.owner_id, {}, std::move(record.topic), record.owner_id};
    for (auto& member_id : record.member_ids) {
      users_.at(member_id).rooms.insert(folded);
      room.member_ids.insert(std::move(member_id));
    }
    // A guest's room nobody was left in when chatd stopped: abandoned, as it would have been.
    if (!shared_store_ && room.member_ids.empty() && !users_.contains(room.owner_id)) {
      store_->delete_room(std::move(folded), [](bool) {});
      continue;
    }
    ++rooms_owned_[room.quota_key];
    rooms_.emplace(std::move(folded), std::move(room));
  }
}

std::variant<std::string, Hub::Error> Hub::login(Client& client, std::string_view nickname,
                                                 std::string quota_key) {
  if (const auto error = protocol::check_nickname(nickname)) return *error;
  const auto folded = protocol::fold_case(nickname);
  if (const auto taken = ids_by_nickname_.find(folded); taken != ids_by_nickname_.end()) {
    return users_.at(taken->second).registered ? Error::nickname_registered : Error::username_taken;
  }
  auto user_id = ids_.next();
  ids_by_nickname_.emplace(folded, user_id);
  if (quota_key.empty()) quota_key = user_id;
  users_.emplace(user_id,
                 User{std::string(nickname), {&client}, {}, {}, false, {}, std::move(quota_key)});
  ++local_users_;
  publish(peer::UserOnline{user_id, std::string(nickname), false, {}, {}});
  watch(client);
  tell_presence(Delivery(make_event(Event::Kind::online, "*", user_id)), &client);
  return user_id;
}

std::string Hub::free_nickname(const std::string& base) const {
  auto nickname = base;
  for (unsigned n = 2; ids_by_nickname_.contains(protocol::fold_case(nickname)); ++n) {
    const auto suffix = std::to_string(n);
    nickname = base.substr(0, protocol::max_nickname_length - suffix.size()) + suffix;
  }
  return nickname;
}

std::optional<std::string> Hub::account_id(std::string_view nickname) const {
  const auto it = ids_by_nickname_.find(protocol::fold_case(nickname));
  if (it == ids_by_nickname_.end() || !users_.at(it->second).registered) return std::nullopt;
  return it->second;
}

std::string Hub::attach(Client& client, const std::string& account_id) {
  auto& user = users_.at(account_id);
  user.clients.push_back(&client);
  enter_rooms(user, client);
  watch(client);
  if (user.clients.size() == 1) {
    ++local_users_;
    publish(peer::UserOnline{account_id, user.nickname, true, user.away, {}});
    if (user.nodes.empty()) {
      tell_presence(Delivery(make_event(Event::Kind::online, "*", account_id)), &client);
    }
  }
  return user.nickname;
}

bool Hub::is_registered(const std::string& user_id) const {
  const auto it = users_.find(user_id);
  return it != users_.end() && it->second.registered;
}

const std::string& Hub::nickname(const std::string& user_id) const {
  return users_.at(user_id).nickname;
}

void Hub::register_account(const std::string& user_id, std::string password_hash,
                           std::optional<store::Identity> identity,
                           Reply<std::optional<Error>> done) {
  auto& user = users_.at(user_id);
  if (user.registered) return done(Error::already_registered);
  if (!store_) return done(Error::store_disabled);
  // Registered at once, so that nobody takes the nickname meanwhile; undone if not stored.
  user.registered = true;
  // Its rooms count against the account from now on, not against its address.
  auto address_key = std::exchange(user.quota_key, user_id);
  move_room_quota(user_id, address_key, user_id);
  store_->create_account(
      {user_id, user.nickname}, std::move(password_hash), {user.rooms.begin(), user.rooms.end()},
      std::move(identity),
      [this, user_id, address_key = std::move(address_key), done = std::move(done)](bool ok) {
        if (ok) {
          publish(peer::Registered{user_id, users_.at(user_id).nickname});
          return done(std::nullopt);
        }
        const auto failed = users_.find(user_id);
        failed->second.registered = false;
        failed->second.quota_key = address_key;
        move_room_quota(user_id, user_id, address_key);
        // The guest left meanwhile (and went offline as an account would):
        // it leaves its rooms and its nickname after all.
        if (failed->second.clients.empty()) remove_guest(failed);
        done(Error::store_failed);
      });
}

std::optional<Hub::Error> Hub::rename(const std::string& user_id, const Client& origin,
                                      std::string_view nickname) {
  if (const auto error = protocol::check_nickname(nickname)) return *error;
  auto& user = users_.at(user_id);
  const auto folded = protocol::fold_case(nickname);
  const auto owner = ids_by_nickname_.find(folded);
  if (owner != ids_by_nickname_.end() && owner->second != user_id) {
    return users_.at(owner->second).registered ? Error::nickname_registered : Error::username_taken;
  }
  if (user.nickname == nickname) return std::nullopt;

  if (const auto previous = protocol::fold_case(user.nickname); previous != folded) {
    forget_nickname(previous, user_id);
  }
  ids_by_nickname_.insert_or_assign(folded, user_id);
  auto event = make_event(Event::Kind::rename, "*", user_id);
  event.detail = std::exchange(user.nickname, std::string(nickname));
  event.nickname = user.nickname;
  if (user.registered && store_) store_->rename_account(user_id, user.nickname, report);
  publish(peer::Change{event});
  deliver_to_all(Delivery(std::move(event)), &origin);
  return std::nullopt;
}

void Hub::detach(const std::string& user_id, Client& client) {
  const auto it = users_.find(user_id);
  if (it == users_.end()) return;
  auto& user = it->second;
  std::erase(user.clients, &client);
  leave_rooms(user, client);
  event_clients_.erase(&client);
  presence_clients_.erase(&client);
  if (!user.clients.empty()) return;
  --local_users_;
  // Nobody here is left to tell, and a guest's state goes with the process (the other nodes
  // hear that this node is leaving).
  if (stopping_) return;
  publish(peer::UserOffline{user_id});
  if (!user.nodes.empty()) return;  // still connected elsewhere
  user.away.clear();
  const Delivery offline(make_event(Event::Kind::offline, "*", user_id));
  if (!user.registered) remove_guest(it);
  tell_presence(offline);
}

void Hub::went_offline(std::unordered_map<std::string, User>::iterator it, const std::string& node,
                       bool tidy) {
  auto& user = it->second;
  if (!user.nodes.erase(node) || online(user)) return;
  user.away.clear();
  const Delivery offline(make_event(Event::Kind::offline, "*", it->first));
  if (!user.registered) remove_guest(it, tidy);
  tell_presence(offline);
}

void Hub::forget_nickname(const std::string& folded, const std::string& user_id) {
  const auto it = ids_by_nickname_.find(folded);
  if (it == ids_by_nickname_.end() || it->second != user_id) return;  // someone else's now
  ids_by_nickname_.erase(it);
  // Not while a claim of it is on its way: the lease may be that claim's.
  if (peers_ && !claims_in_flight_.contains(folded)) peers_->release_nickname(folded);
}

void Hub::remove_guest(std::unordered_map<std::string, User>::iterator guest, bool local) {
  const auto user_id = guest->first;
  for (const auto& folded_room : guest->second.rooms) {
    auto& room = rooms_.at(folded_room);
    room.member_ids.erase(user_id);
    leave_room_clients(room, guest->second);
    deliver_to_room(room, Delivery(make_event(Event::Kind::leave, room.name, user_id)));
  }
  // The rooms it owned or was in that are left empty and ownerless go too: once what is still
  // being stored (a CREATE, a JOIN of its) has been announced, and unless someone came in. A
  // room others are still in is not its to reclaim: the last of them leaving does that.
  std::set<std::string> candidates;
  for (const auto& [folded, room] : rooms_) {
    if (room.member_ids.empty() &&
        (room.owner_id == user_id || guest->second.rooms.contains(folded))) {
      candidates.insert(folded);
    }
  }
  forget_nickname(protocol::fold_case(guest->second.nickname), user_id);
  auto nickname = guest->second.nickname;
  users_.erase(guest);
  after_stored([this, candidates = std::move(candidates), user_id, nickname = std::move(nickname),
                local](bool) {
    for (const auto& folded : candidates) {
      if (const auto room = rooms_.find(folded); room != rooms_.end()) {
        reclaim_if_abandoned(room, user_id, nickname, local);
      }
    }
  });
}

void Hub::release_room_quota(const std::string& key) {
  if (const auto owned = rooms_owned_.find(key); owned != rooms_owned_.end()) {
    if (--owned->second == 0) rooms_owned_.erase(owned);
  }
}

void Hub::move_room_quota(const std::string& owner_id, const std::string& from,
                          const std::string& to) {
  for (auto& [folded, room] : rooms_) {
    if (room.owner_id != owner_id || room.quota_key != from) continue;
    room.quota_key = to;
    release_room_quota(from);
    ++rooms_owned_[to];
  }
}

void Hub::reclaim_if_abandoned(std::map<std::string, Room>::iterator room, const std::string& by_id,
                               const std::string& by_nickname, bool local) {
  if (!room->second.member_ids.empty() || users_.contains(room->second.owner_id)) return;
  release_room_quota(room->second.quota_key);
  // Only guests' rooms are abandoned (an account is never gone), and a guest's room is stored
  // like any other: it is deleted the same way, by the node whose user left it. Every node
  // sees the same departure and reclaims its own picture of the room.
  if (store_ && local) store_->delete_room(room->first, [](bool) {});
  Event destroyed{Event::Kind::destroy, now(), room->second.name, by_id, by_nickname, {}};
  rooms_.erase(room);
  deliver_to_all(Delivery(std::move(destroyed)));
}

std::variant<Hub::Conversation, Hub::Error> Hub::conversation(
    const std::string& user_id, const protocol::Target& target) const {
  using Kind = protocol::Target::Kind;
  switch (target.kind) {
    case Kind::everyone:
      return Conversation{"*", "*"};
    case Kind::room: {
      auto folded = protocol::fold_case(target.name);
      const auto room = rooms_.find(folded);
      if (room == rooms_.end()) return Error::no_such_room;
      if (!room->second.member_ids.contains(user_id)) return Error::not_member;
      return Conversation{std::move(folded), room->second.name};
    }
    case Kind::user: {
      const auto other = ids_by_nickname_.find(protocol::fold_case(target.name));
      if (other == ids_by_nickname_.end()) return Error::no_such_user;
      return Conversation{private_conversation(user_id, other->second),
                          "@" + users_.at(other->second).nickname};
    }
  }
  return Error::invalid_argument;
}

void Hub::send(const std::string& user_id, const Client& origin, const protocol::Target& target,
               std::string_view text, Reply<MessageResult> done) {
  // Fronts parse and check text, but every front's: a control character from one would forge
  // lines on another's clients.
  if (const auto error = protocol::check_multiline_text(text)) return done(*error);
  auto found = conversation(user_id, target);
  if (const auto* error = std::get_if<Error>(&found)) return done(*error);
  auto& [conversation, name] = std::get<Conversation>(found);
  const auto& sender = users_.at(user_id);
  const auto sent = std::chrono::system_clock::now();
  protocol::ChatMessage message{ids_.next_time_ordered(sent),
                                protocol::format_timestamp(sent),
                                name,
                                user_id,
                                sender.nickname,
                                std::string(text)};
  std::optional<std::string> pending_for;
  if (target.kind == protocol::Target::Kind::user) {
    const auto& recipient_id = ids_by_nickname_.at(protocol::fold_case(target.name));
    if (!online(users_.at(recipient_id))) pending_for = recipient_id;
  }
  if (!store_) {
    fan_out(message, conversation, &origin);
    publish(peer::Message{message, conversation});
    return done(std::move(message));
  }
  store_->save_message(
      message, conversation, std::move(pending_for),
      [this, message, conversation, user_id, origin = &origin, done = std::move(done)](bool ok) {
        if (!ok) return done(Error::store_failed);
        // Routed to whoever is there now: members may have come or gone while it was stored.
        fan_out(message, conversation, attached(user_id, origin));
        publish(peer::Message{message, conversation});
        done(message);
      });
}

void Hub::fan_out(protocol::ChatMessage message, const std::string& conversation,
                  const Client* origin) {
  const auto target = message.target;
  const auto sender = users_.find(message.sender_id);
  const bool account = sender != users_.end() && sender->second.registered;
  const Delivery delivery(std::move(message), origin,
                          account ? sender->second.nickname : std::string());
  if (target == "*") return deliver_to_all(delivery);
  if (target.front() == '#') {
    if (const auto room = rooms_.find(conversation); room != rooms_.end()) {
      deliver_to_room(room->second, delivery);
    }
    return;
  }
  // "@<id>,<id>": both parties, every connection of each.
  const auto comma = conversation.find(',');
  const auto first = conversation.substr(1, comma - 1);
  const auto second = conversation.substr(comma + 1);
  deliver_to_user(first, delivery);
  if (second != first) deliver_to_user(second, delivery);
}

void Hub::take_pending(const std::string& account_id,
                       Reply<std::vector<protocol::ChatMessage>> done) {
  if (!store_) return done({});
  store_->take_pending(account_id,
                       [done = std::move(done)](bool, std::vector<protocol::ChatMessage> messages) {
                         done(std::move(messages));
                       });
}

void Hub::history(const std::string& user_id, const protocol::Target& target,
                  const protocol::HistoryRange& range, Reply<HistoryResult> done) {
  if (!store_) return done(Error::store_disabled);
  auto found = conversation(user_id, target);
  if (const auto* error = std::get_if<Error>(&found)) return done(*error);
  auto& [key, name] = std::get<Conversation>(found);
  store_->history(
      std::move(key), range,
      [name = std::move(name), done = std::move(done)](bool ok, store::HistoryPage page) {
        if (!ok) return done(Error::store_failed);
        if (!page.anchor_found) return done(Error::no_such_message);
        done(History{name, std::move(page)});
      });
}

void Hub::read_marker(const std::string& user_id, const Client& origin,
                      const protocol::Target& target, const std::string& message_id,
                      Reply<MarkerResult> done) {
  if (!store_) return done(Error::store_disabled);
  if (!is_registered(user_id)) return done(Error::not_registered);
  auto found = conversation(user_id, target);
  if (const auto* error = std::get_if<Error>(&found)) return done(*error);
  auto& [key, name] = std::get<Conversation>(found);
  if (message_id.empty()) {
    store_->read_marker(user_id, std::move(key),
                        [name = std::move(name), done = std::move(done)](
                            bool ok, std::optional<std::string> marker) {
                          if (!ok) return done(Error::store_failed);
                          done(Marker{name, std::move(marker)});
                        });
    return;
  }
  store_->set_read_marker(user_id, std::move(key), message_id,
                          [this, user_id, origin = &origin, name = std::move(name), message_id,
                           done = std::move(done)](bool ok, std::optional<std::string> marker) {
                            if (!ok) return done(Error::store_failed);
                            if (!marker) return done(Error::no_such_message);
                            // Only a marker that moved is news to the account's other connections.
                            if (*marker == message_id && users_.contains(user_id)) {
                              auto event = make_event(Event::Kind::read, name, user_id);
                              event.detail = message_id;
                              publish(peer::Change{event, user_id});
                              deliver_to_user(user_id, Delivery(std::move(event)),
                                              attached(user_id, origin));
                            }
                            done(Marker{name, std::move(marker)});
                          });
}

void Hub::conversations(const std::string& user_id, Reply<std::vector<std::string>> done) {
  auto names = joined_rooms(user_id);
  if (!store_) return done(std::move(names));
  store_->private_partners(user_id, [this, names = std::move(names), done = std::move(done)](
                                        bool, std::vector<std::string> partners) mutable {
    // A guest partner who has left has no nickname any more: nothing to write to.
    std::vector<std::string> people;
    for (const auto& partner : partners) {
      if (const auto it = users_.find(partner); it != users_.end()) {
        people.push_back("@" + it->second.nickname);
      }
    }
    std::sort(people.begin(), people.end());
    names.insert(names.end(), people.begin(), people.end());
    done(std::move(names));
  });
}

void Hub::create_room(const std::string& user_id, std::string_view room, Reply<RoomResult> done) {
  if (const auto error = protocol::check_room_name(room)) return done(*error);
  auto folded = protocol::fold_case(room);
  if (rooms_.contains(folded)) return done(Error::room_exists);
  auto stored = std::make_shared<bool>(true);
  auto created = std::make_shared<bool>(true);
  auto added = add_room(user_id, room, std::move(folded), stored, created);
  if (const auto* error = std::get_if<Error>(&added)) return done(*error);
  const auto& name = std::get<Room*>(added)->name;
  announce_when_stored({{make_event(Event::Kind::create, name, user_id), {}, {}, created}}, name,
                       stored, [created, done = std::move(done)](RoomResult result) {
                         // Made on another node in the same moment: that one is the room.
                         if (!*created && std::holds_alternative<std::string>(result)) {
                           return done(Error::room_exists);
                         }
                         done(std::move(result));
                       });
}

std::variant<Room*, Hub::Error> Hub::add_room(const std::string& user_id, std::string_view name,
                                              std::string folded,
                                              const std::shared_ptr<bool>& stored,
                                              const std::shared_ptr<bool>& created) {
  const auto& quota_key = users_.at(user_id).quota_key;
  auto& owned = rooms_owned_[quota_key];
  if (rooms_.size() >= limits_.max_rooms || owned >= limits_.max_rooms_per_owner) {
    return Error::room_limit;
  }
  ++owned;
  auto& room =
      rooms_.emplace(folded, Room{std::string(name), user_id, {}, {}, quota_key}).first->second;
  if (store_) {
    store_->save_room(folded, {room.name, user_id, {}},
                      [this, folded, user_id, key = quota_key, note = noting(stored), created](
                          bool ok, store::RoomRecord record) {
                        note(ok);
                        if (!ok || record.owner_id == user_id) return;
                        *created = false;
                        // Still counted against this node's creator, whoever the other creator's
                        // announcement (which may have come first) made its owner.
                        const auto it = rooms_.find(folded);
                        if (it == rooms_.end() || it->second.quota_key != key) return;
                        auto& room = it->second;
                        release_room_quota(room.quota_key);
                        room.quota_key.clear();
                        room.owner_id = std::move(record.owner_id);
                        room.name = std::move(record.name);
                        room.topic = std::move(record.topic);
                      });
  }
  return &room;
}

void Hub::destroy_room(const std::string& user_id, std::string_view room_name,
                       Reply<RoomResult> done) {
  const auto it = rooms_.find(protocol::fold_case(room_name));
  if (it == rooms_.end()) return done(Error::no_such_room);
  auto& room = it->second;
  if (!may_moderate(room, user_id)) return done(Error::not_room_owner);
  auto stored = std::make_shared<bool>(true);
  for (const auto& member_id : room.member_ids) users_.at(member_id).rooms.erase(it->first);
  release_room_quota(room.quota_key);
  auto name = std::move(room.name);
  auto destroyed = make_event(Event::Kind::destroy, name, user_id);
  if (store_) store_->delete_room(it->first, noting(stored));
  rooms_.erase(it);
  announce_when_stored({{std::move(destroyed), {}}}, std::move(name), stored, std::move(done));
}

void Hub::join_room(const std::string& user_id, std::string_view room_name,
                    Reply<RoomResult> done) {
  if (const auto error = protocol::check_room_name(room_name)) return done(*error);
  auto folded = protocol::fold_case(room_name);
  std::vector<Announcement> announcements;
  auto stored = std::make_shared<bool>(true);
  Room* room = nullptr;
  if (const auto it = rooms_.find(folded); it != rooms_.end()) {
    room = &it->second;
  } else {
    auto created = std::make_shared<bool>(true);
    auto added = add_room(user_id, room_name, folded, stored, created);
    if (const auto* error = std::get_if<Error>(&added)) return done(*error);
    room = std::get<Room*>(added);
    announcements.push_back(
        {make_event(Event::Kind::create, room->name, user_id), {}, {}, created});
  }
  auto& user = users_.at(user_id);
  if (!add_member(*room, folded, user_id, user)) return done(Error::already_member);
  if (store_ && user.registered) store_->add_member(folded, user_id, noting(stored));
  announcements.push_back({make_event(Event::Kind::join, room->name, user_id), folded});
  announce_when_stored(std::move(announcements), room->name, stored, std::move(done));
}

void Hub::leave_room(const std::string& user_id, std::string_view room_name,
                     Reply<RoomResult> done) {
  auto* room = find_room(room_name);
  if (!room) return done(Error::no_such_room);
  auto folded = protocol::fold_case(room_name);
  auto& user = users_.at(user_id);
  if (!remove_member(*room, folded, user_id, &user)) return done(Error::not_member);
  auto stored = std::make_shared<bool>(true);
  if (store_ && user.registered) store_->remove_member(folded, user_id, noting(stored));
  announce_when_stored({{make_event(Event::Kind::leave, room->name, user_id), folded}}, room->name,
                       stored, std::move(done));
  // After the LEAVE is told, and only if nobody has come in meanwhile.
  after_stored([this, folded = std::move(folded), user_id, nickname = user.nickname](bool) {
    if (const auto it = rooms_.find(folded); it != rooms_.end()) {
      reclaim_if_abandoned(it, user_id, nickname);
    }
  });
}

bool Hub::may_moderate(const Room& room, const std::string& user_id) const {
  // An account's room is its own; a guest's outlives the guest, and then any member may.
  return room.owner_id == user_id ||
         (!users_.contains(room.owner_id) && room.member_ids.contains(user_id));
}

void Hub::set_topic(const std::string& user_id, std::string_view room_name, std::string text,
                    Reply<RoomResult> done) {
  if (text.size() > protocol::max_topic_length) return done(Error::invalid_argument);
  if (!text.empty()) {
    if (const auto error = protocol::check_message_text(text)) return done(*error);
  }
  auto* room = find_room(room_name);
  if (!room) return done(Error::no_such_room);
  if (!may_moderate(*room, user_id)) return done(Error::not_room_owner);
  auto event = make_event(Event::Kind::topic, room->name, user_id);
  room->topic = {std::move(text), event.nickname, event.time};
  event.detail = room->topic.text;
  auto folded = protocol::fold_case(room_name);
  auto stored = std::make_shared<bool>(true);
  if (store_) store_->set_topic(folded, room->topic, noting(stored));
  announce_when_stored({{std::move(event), std::move(folded)}}, room->name, stored,
                       std::move(done));
}

void Hub::kick(const std::string& user_id, std::string_view room_name, std::string_view nickname,
               Reply<RoomResult> done) {
  auto* room = find_room(room_name);
  if (!room) return done(Error::no_such_room);
  if (!may_moderate(*room, user_id)) return done(Error::not_room_owner);
  const auto target = ids_by_nickname_.find(protocol::fold_case(nickname));
  if (target == ids_by_nickname_.end()) return done(Error::no_such_user);
  const auto kicked_id = target->second;
  auto folded = protocol::fold_case(room_name);
  auto& kicked = users_.at(kicked_id);
  if (!remove_member(*room, folded, kicked_id, &kicked)) return done(Error::not_member);
  auto stored = std::make_shared<bool>(true);
  if (store_ && kicked.registered) store_->remove_member(folded, kicked_id, noting(stored));
  auto event = make_event(Event::Kind::kick, room->name, kicked_id);
  event.detail = users_.at(user_id).nickname;
  announce_when_stored({{std::move(event), std::move(folded), kicked_id}}, room->name, stored,
                       std::move(done));
}

std::optional<store::Topic> Hub::topic(std::string_view room_name) const {
  const auto* room = find_room(room_name);
  if (!room) return std::nullopt;
  return room->topic;
}

void Hub::announce_when_stored(std::vector<Announcement> announcements, std::string name,
                               std::shared_ptr<bool> stored, Reply<RoomResult> done) {
  after_stored([this, announcements = std::move(announcements), name = std::move(name),
                stored = std::move(stored), done = std::move(done)](bool ok) mutable {
    if (!ok || !*stored) return done(Error::store_failed);
    for (auto& announcement : announcements) {
      if (announcement.created && !*announcement.created) continue;
      publish(peer::Change{announcement.event, announcement.also_user_id});
      const Delivery delivery(std::move(announcement.event));
      if (announcement.room.empty()) {
        deliver_to_all(delivery);
      } else if (const auto room = rooms_.find(announcement.room); room != rooms_.end()) {
        deliver_to_room(room->second, delivery);  // its members by then
      }
      if (!announcement.also_user_id.empty()) deliver_to_user(announcement.also_user_id, delivery);
    }
    done(std::move(name));
  });
}

std::optional<Hub::Error> Hub::typing(const std::string& user_id, const Client& origin,
                                      const protocol::Target& target, const std::string& state) {
  if (target.kind == protocol::Target::Kind::everyone) return Error::invalid_argument;
  auto found = conversation(user_id, target);
  if (const auto* error = std::get_if<Error>(&found)) return *error;
  const auto& [key, name] = std::get<Conversation>(found);
  auto event = make_event(Event::Kind::typing, name, user_id);
  event.detail = state;
  const bool room = target.kind == protocol::Target::Kind::room;
  auto other_id = room ? std::string() : ids_by_nickname_.at(protocol::fold_case(target.name));
  // Once the user's messages sent before are stored and delivered: "done" never overtakes the
  // message it follows.
  after_stored([this, event = std::move(event), room, key = key, other_id = std::move(other_id),
                user_id, origin = &origin](bool) mutable {
    publish(peer::Change{event, other_id});
    const Delivery delivery(std::move(event));
    const auto* from = attached(user_id, origin);
    if (room) {
      if (const auto it = rooms_.find(key); it != rooms_.end()) {
        for (const auto& member_id : it->second.member_ids) {
          deliver_to_user(member_id, delivery, from);
        }
      }
      return;
    }
    deliver_to_user(other_id, delivery);
    if (other_id != user_id) deliver_to_user(user_id, delivery, from);
  });
  return std::nullopt;
}

void Hub::set_away(const std::string& user_id, std::string message) {
  auto& user = users_.at(user_id);
  if (user.away == message) return;
  user.away = std::move(message);
  auto event = make_event(Event::Kind::away, "*", user_id);
  event.detail = user.away;
  publish(peer::Change{event});
  deliver_to_all(Delivery(std::move(event)));
}

std::string Hub::away_message(std::string_view nickname) const {
  const auto id = ids_by_nickname_.find(protocol::fold_case(nickname));
  if (id == ids_by_nickname_.end()) return {};
  return users_.at(id->second).away;
}

std::vector<std::string> Hub::room_names() const {
  std::vector<std::string> names;
  names.reserve(rooms_.size());
  for (const auto& [folded, room] : rooms_) names.push_back(room.name);
  return names;
}

std::vector<std::string> Hub::nicknames() const {
  std::vector<std::string> names;
  for (const auto& [id, user] : users_) {
    if (online(user)) names.push_back(user.nickname);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> Hub::joined_rooms(const std::string& user_id) const {
  std::vector<std::string> names;
  for (const auto& folded : users_.at(user_id).rooms) names.push_back(rooms_.at(folded).name);
  return names;
}

std::variant<std::vector<std::string>, Hub::Error> Hub::members(std::string_view room_name) const {
  const auto* room = find_room(room_name);
  if (!room) return Error::no_such_room;
  std::vector<std::string> nicknames;
  nicknames.reserve(room->member_ids.size());
  for (const auto& member_id : room->member_ids) nicknames.push_back(users_.at(member_id).nickname);
  std::sort(nicknames.begin(), nicknames.end());
  nicknames.insert(nicknames.begin(), room->name);
  return nicknames;
}

std::optional<std::string> Hub::owner_nickname(std::string_view room_name) const {
  const auto* room = find_room(room_name);
  if (!room) return std::nullopt;
  const auto owner = users_.find(room->owner_id);
  if (owner == users_.end()) return std::nullopt;
  return owner->second.nickname;
}

Event Hub::make_event(Event::Kind kind, const std::string& room, const std::string& user_id) const {
  return Event{kind, now(), room, user_id, users_.at(user_id).nickname, {}};
}

void Hub::watch(Client& client) {
  if (client.wants_events()) event_clients_.insert(&client);
  if (client.wants_presence()) presence_clients_.insert(&client);
}

void Hub::tell_presence(const Delivery& delivery, const Client* except) {
  if (delivery.event()->kind == Event::Kind::online) {
    ++online_users_;
  } else {
    --online_users_;
  }
  for (auto* client : presence_clients_) {
    if (client != except) client->deliver(delivery);
  }
}

void Hub::refresh_events(const std::string& user_id, Client& client) {
  const bool wants = client.wants_events();
  event_clients_.erase(&client);
  presence_clients_.erase(&client);
  watch(client);
  const auto user = users_.find(user_id);
  if (user == users_.end()) return;
  for (const auto& folded : user->second.rooms) {
    auto& watchers = rooms_.at(folded).watchers;
    std::erase(watchers, &client);
    if (wants) watchers.push_back(&client);
  }
}

bool Hub::add_member(Room& room, const std::string& folded, const std::string& user_id,
                     User& user) {
  if (!room.member_ids.insert(user_id).second) return false;
  user.rooms.insert(folded);
  for (auto* client : user.clients) enter_room_clients(room, *client);
  return true;
}

bool Hub::remove_member(Room& room, const std::string& folded, const std::string& user_id,
                        User* user) {
  if (!room.member_ids.erase(user_id)) return false;
  if (!user) return true;
  user->rooms.erase(folded);
  leave_room_clients(room, *user);
  return true;
}

void Hub::enter_rooms(const User& user, Client& client) {
  for (const auto& folded : user.rooms) enter_room_clients(rooms_.at(folded), client);
}

void Hub::leave_rooms(const User& user, Client& client) {
  for (const auto& folded : user.rooms) {
    auto& room = rooms_.at(folded);
    std::erase(room.clients, &client);
    std::erase(room.watchers, &client);
  }
}

void Hub::enter_room_clients(Room& room, Client& client) {
  room.clients.push_back(&client);
  if (client.wants_events()) room.watchers.push_back(&client);
}

void Hub::leave_room_clients(Room& room, const User& user) {
  for (auto* client : user.clients) {
    std::erase(room.clients, client);
    std::erase(room.watchers, client);
  }
}

void Hub::deliver_to_all(const Delivery& delivery, const Client* except) {
  if (delivery.event()) {
    for (auto* client : event_clients_) {
      if (client != except) client->deliver(delivery);
    }
    return;
  }
  for (const auto& [id, user] : users_) {
    for (auto* client : user.clients) {
      if (client != except) client->deliver(delivery);
    }
  }
}

void Hub::deliver_to_user(const std::string& user_id, const Delivery& delivery,
                          const Client* except) {
  const auto it = users_.find(user_id);
  if (it == users_.end()) return;
  for (auto* client : it->second.clients) {
    if (client != except) client->deliver(delivery);
  }
}

void Hub::deliver_to_room(const Room& room, const Delivery& delivery) {
  for (auto* client : delivery.event() ? room.watchers : room.clients) client->deliver(delivery);
}

const Client* Hub::attached(const std::string& user_id, const Client* client) const {
  const auto it = users_.find(user_id);
  if (it == users_.end()) return nullptr;
  const auto& clients = it->second.clients;
  return std::find(clients.begin(), clients.end(), client) != clients.end() ? client : nullptr;
}

void Hub::after_stored(std::function<void(bool)> then) {
  if (!store_) return then(true);
  store_->flush(std::move(then));
}

Room* Hub::find_room(std::string_view room) {
  const auto it = rooms_.find(protocol::fold_case(room));
  return it == rooms_.end() ? nullptr : &it->second;
}

const Room* Hub::find_room(std::string_view room) const {
  const auto it = rooms_.find(protocol::fold_case(room));
  return it == rooms_.end() ? nullptr : &it->second;
}

void Hub::claim_nickname(std::string_view nickname, const std::string& user_id,
                         Reply<std::optional<Error>> done) {
  if (const auto error = protocol::check_nickname(nickname)) return done(*error);
  auto folded = protocol::fold_case(nickname);
  if (const auto holder = ids_by_nickname_.find(folded); holder != ids_by_nickname_.end()) {
    if (holder->second == user_id) return done(std::nullopt);  // its own, in other letters
    return done(users_.at(holder->second).registered ? Error::nickname_registered
                                                     : Error::username_taken);
  }
  if (!peers_) return done(std::nullopt);
  ++claims_in_flight_[folded];
  peers_->claim_nickname(
      folded, [this, folded, done = std::move(done)](std::optional<Error> error) {
        done(error);
        const auto claims = claims_in_flight_.find(folded);
        if (--claims->second == 0) claims_in_flight_.erase(claims);
        // Claimed for a connection that went meanwhile, or lost to another here: given back.
        if (!error && !ids_by_nickname_.contains(folded) && !claims_in_flight_.contains(folded)) {
          peers_->release_nickname(folded);
        }
      });
}

std::vector<peer::NodeInfo> Hub::nodes() const {
  if (peers_) return peers_->nodes();
  auto self = node_;
  self.users = local_users_;
  return {std::move(self)};
}

void Hub::apply(const std::string& node, const peer::Update& update) {
  if (const auto* change = std::get_if<peer::Change>(&update)) return apply_change(*change);
  if (const auto* sent = std::get_if<peer::Message>(&update)) {
    return fan_out(sent->message, sent->conversation, nullptr);
  }
  if (const auto* offline = std::get_if<peer::UserOffline>(&update)) {
    if (const auto it = users_.find(offline->user_id); it != users_.end()) went_offline(it, node);
    return;
  }
  if (const auto* registered = std::get_if<peer::Registered>(&update)) {
    // The guest may have gone meanwhile (its registration was being stored): the account stays.
    auto [it, added] = users_.try_emplace(
        registered->user_id, User{registered->nickname, {}, {}, {}, true, {}, registered->user_id});
    it->second.registered = true;
    if (added) take_nickname(protocol::fold_case(registered->nickname), registered->user_id);
    return;
  }
  if (const auto* room = std::get_if<peer::RoomState>(&update)) {
    rooms_.try_emplace(protocol::fold_case(room->name),
                       Room{room->name, room->owner_id, {}, room->topic, {}});
    return;
  }
  const auto& on = std::get<peer::UserOnline>(update);
  const auto folded = protocol::fold_case(on.nickname);
  auto [it, added] =
      users_.try_emplace(on.user_id, User{on.nickname, {}, {}, {}, on.registered, {}, on.user_id});
  auto& user = it->second;
  if (user.nickname != on.nickname) {  // a rename this node missed
    forget_nickname(protocol::fold_case(user.nickname), on.user_id);
    user.nickname = on.nickname;
  }
  take_nickname(folded, on.user_id);
  user.registered = user.registered || on.registered;
  const bool was_online = online(user);
  user.nodes.insert(node);
  if (!on.away.empty()) user.away = on.away;
  for (const auto& name : on.rooms) {
    auto room_key = protocol::fold_case(name);
    if (const auto room = rooms_.find(room_key); room != rooms_.end()) {
      add_member(room->second, room_key, on.user_id, user);
    }
  }
  if (!was_online) tell_presence(Delivery(make_event(Event::Kind::online, "*", on.user_id)));
}

void Hub::apply_change(const peer::Change& change) {
  const auto& event = change.event;
  const auto folded = protocol::fold_case(event.room);
  auto room = rooms_.find(folded);
  const auto user = users_.find(event.user_id);
  const Delivery delivery(event);
  switch (event.kind) {
    case Event::Kind::create: {
      const auto [it, added] =
          rooms_.try_emplace(folded, Room{event.room, event.user_id, {}, {}, {}});
      // Created here too in the same instant: the store took the other one (only a stored
      // creation is announced), and with it its owner (add_room's store answer says so too).
      it->second.owner_id = event.user_id;
      it->second.name = event.room;
      if (!added) return;
      return deliver_to_all(delivery);
    }
    case Event::Kind::destroy:
      if (room == rooms_.end()) return;
      release_room_quota(room->second.quota_key);
      for (const auto& member_id : room->second.member_ids) {
        if (const auto member = users_.find(member_id); member != users_.end()) {
          member->second.rooms.erase(folded);
        }
      }
      rooms_.erase(room);
      return deliver_to_all(delivery);
    case Event::Kind::join:
      if (room == rooms_.end() || user == users_.end()) return;
      if (!add_member(room->second, folded, event.user_id, user->second)) return;
      return deliver_to_room(room->second, delivery);
    case Event::Kind::leave:
    case Event::Kind::kick:
      if (room == rooms_.end()) return;
      remove_member(room->second, folded, event.user_id,
                    user == users_.end() ? nullptr : &user->second);
      deliver_to_room(room->second, delivery);
      if (event.kind == Event::Kind::kick) return deliver_to_user(event.user_id, delivery);
      return reclaim_if_abandoned(room, event.user_id, event.nickname, false);
    case Event::Kind::topic:
      if (room == rooms_.end()) return;
      room->second.topic = {event.detail, event.nickname, event.time};
      return deliver_to_room(room->second, delivery);
    case Event::Kind::rename: {
      if (user == users_.end()) return;
      const auto renamed = protocol::fold_case(event.nickname);
      // The name this node knew the user by (it may have missed a rename before this one).
      if (const auto previous = protocol::fold_case(user->second.nickname); previous != renamed) {
        forget_nickname(previous, event.user_id);
      }
      take_nickname(renamed, event.user_id);
      user->second.nickname = event.nickname;
      return deliver_to_all(delivery);
    }
    case Event::Kind::away:
      if (user == users_.end()) return;
      user->second.away = event.detail;
      return deliver_to_all(delivery);
    case Event::Kind::typing:
      if (event.room.starts_with('#')) {
        if (room == rooms_.end()) return;
        for (const auto& member_id : room->second.member_ids) {
          deliver_to_user(member_id, delivery);
        }
        return;
      }
      deliver_to_user(change.to, delivery);
      if (change.to != event.user_id) deliver_to_user(event.user_id, delivery);
      return;
    case Event::Kind::read:
      return deliver_to_user(change.to, delivery);
    case Event::Kind::online:
    case Event::Kind::offline:
      return;  // UserOnline and UserOffline say these
  }
}

void Hub::take_nickname(const std::string& folded, const std::string& user_id) {
  const auto holder = ids_by_nickname_.find(folded);
  if (holder == ids_by_nickname_.end()) {
    ids_by_nickname_.emplace(folded, user_id);
    return;
  }
  if (holder->second == user_id) return;
  const auto other = users_.find(holder->second);
  if (other != users_.end() && !other->second.clients.empty()) {
    // This node's own user has it: the two nodes lost touch long enough for both to give it
    // out. Each keeps its own; messages to the name go to the one on the sender's node.
    std::fprintf(stderr, "chatd: nickname %s is held on this node and another\n", folded.c_str());
    return;
  }
  // Someone whose departure or rename this node missed (its node restarted, or the bus lost
  // it): the nickname's lease says it is this user's now.
  holder->second = user_id;
  if (other != users_.end() && !other->second.registered) {
    // Gone for everyone here too, and no longer counted online.
    const bool was_online = online(other->second);
    const Delivery offline(make_event(Event::Kind::offline, "*", other->first));
    other->second.nodes.clear();
    remove_guest(other, false);
    if (was_online) tell_presence(offline);
  }
}

void Hub::node_gone(const std::string& node, bool tidy) {
  std::vector<std::string> ids;
  for (const auto& [id, user] : users_) {
    if (user.nodes.contains(node)) ids.push_back(id);
  }
  for (const auto& id : ids) {
    if (const auto it = users_.find(id); it != users_.end()) went_offline(it, node, tidy);
  }
}

std::vector<peer::Update> Hub::local_state() const {
  std::vector<peer::Update> state;
  const auto here = [this](const std::string& user_id) {
    const auto it = users_.find(user_id);
    return it != users_.end() && !it->second.clients.empty();
  };
  for (const auto& [folded, room] : rooms_) {
    if (std::any_of(room.member_ids.begin(), room.member_ids.end(), here)) {
      state.push_back(peer::RoomState{room.name, room.owner_id, room.topic});
    }
  }
  for (const auto& [id, user] : users_) {
    if (user.clients.empty()) continue;
    peer::UserOnline on{id, user.nickname, user.registered, user.away, {}};
    for (const auto& folded : user.rooms) on.rooms.push_back(rooms_.at(folded).name);
    state.push_back(std::move(on));
  }
  return state;
}

}  // namespace chat
