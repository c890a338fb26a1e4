#include "chatd/hub.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "protocol/names.hpp"
#include "protocol/timestamp.hpp"

namespace chat {
namespace {

using protocol::Event;

std::string now() { return protocol::format_timestamp(std::chrono::system_clock::now()); }

}  // namespace

Hub::Hub(IdGenerator& ids, HubLimits limits) : ids_(ids), limits_(limits) {}

std::variant<std::string, Hub::Error> Hub::login(Client& client, std::string_view nickname) {
  if (const auto error = protocol::check_nickname(nickname)) return *error;
  const auto folded = protocol::fold_case(nickname);
  if (ids_by_nickname_.contains(folded)) return Error::username_taken;
  auto user_id = ids_.next();
  ids_by_nickname_.emplace(folded, user_id);
  users_.emplace(user_id, User{std::string(nickname), &client, {}});
  deliver_to_all(Delivery(make_event(Event::Kind::online, "*", user_id)), &user_id);
  return user_id;
}

std::optional<Hub::Error> Hub::rename(const std::string& user_id, std::string_view nickname) {
  if (const auto error = protocol::check_nickname(nickname)) return *error;
  auto& user = users_.at(user_id);
  const auto folded = protocol::fold_case(nickname);
  const auto owner = ids_by_nickname_.find(folded);
  if (owner != ids_by_nickname_.end() && owner->second != user_id) return Error::username_taken;
  if (user.nickname == nickname) return std::nullopt;

  ids_by_nickname_.erase(protocol::fold_case(user.nickname));
  ids_by_nickname_.emplace(folded, user_id);
  auto event = make_event(Event::Kind::rename, "*", user_id);
  event.previous_nickname = std::exchange(user.nickname, std::string(nickname));
  event.nickname = user.nickname;
  deliver_to_all(Delivery(std::move(event)), &user_id);
  return std::nullopt;
}

void Hub::logout(const std::string& user_id) {
  const auto it = users_.find(user_id);
  if (it == users_.end()) return;
  for (const auto& folded_room : it->second.rooms) {
    auto& room = rooms_.at(folded_room);
    room.member_ids.erase(user_id);
    deliver_to_room(room, Delivery(make_event(Event::Kind::leave, room.name, user_id)));
  }
  const Delivery offline(make_event(Event::Kind::offline, "*", user_id));
  ids_by_nickname_.erase(protocol::fold_case(it->second.nickname));
  users_.erase(it);
  deliver_to_all(offline);
}

std::variant<protocol::ChatMessage, Hub::Error> Hub::send(const std::string& user_id,
                                                          const protocol::Target& target,
                                                          std::string_view text) {
  const auto& sender = users_.at(user_id);
  protocol::ChatMessage message{ids_.next(), now(),           "*",
                                user_id,     sender.nickname, std::string(text)};
  using Kind = protocol::Target::Kind;
  switch (target.kind) {
    case Kind::everyone:
      deliver_to_all(Delivery(message));
      break;
    case Kind::room: {
      const auto* room = find_room(target.name);
      if (!room) return Error::no_such_room;
      if (!room->member_ids.contains(user_id)) return Error::not_member;
      message.target = room->name;
      deliver_to_room(*room, Delivery(message));
      break;
    }
    case Kind::user: {
      const auto recipient_id = ids_by_nickname_.find(protocol::fold_case(target.name));
      if (recipient_id == ids_by_nickname_.end()) return Error::no_such_user;
      auto& recipient = users_.at(recipient_id->second);
      message.target = "@" + recipient.nickname;
      const Delivery delivery(message);
      recipient.client->deliver(delivery);
      if (recipient_id->second != user_id) sender.client->deliver(delivery);
      break;
    }
  }
  return message;
}

Hub::RoomResult Hub::create_room(const std::string& user_id, std::string_view room) {
  if (const auto error = protocol::check_room_name(room)) return *error;
  auto folded = protocol::fold_case(room);
  if (rooms_.contains(folded)) return Error::room_exists;
  auto added = add_room(user_id, room, std::move(folded));
  if (const auto* error = std::get_if<Error>(&added)) return *error;
  return std::get<Room*>(added)->name;
}

std::variant<Room*, Hub::Error> Hub::add_room(const std::string& user_id, std::string_view name,
                                              std::string folded) {
  auto& owned = rooms_owned_[user_id];
  if (rooms_.size() >= limits_.max_rooms || owned >= limits_.max_rooms_per_owner) {
    return Error::room_limit;
  }
  ++owned;
  auto& room =
      rooms_.emplace(std::move(folded), Room{std::string(name), user_id, {}}).first->second;
  deliver_to_all(Delivery(make_event(Event::Kind::create, room.name, user_id)));
  return &room;
}

Hub::RoomResult Hub::destroy_room(const std::string& user_id, std::string_view room_name) {
  const auto it = rooms_.find(protocol::fold_case(room_name));
  if (it == rooms_.end()) return Error::no_such_room;
  auto& room = it->second;
  const bool owner_online = users_.contains(room.owner_id);
  const bool allowed =
      room.owner_id == user_id || (!owner_online && room.member_ids.contains(user_id));
  if (!allowed) return Error::not_room_owner;
  for (const auto& member_id : room.member_ids) users_.at(member_id).rooms.erase(it->first);
  if (const auto owned = rooms_owned_.find(room.owner_id); owned != rooms_owned_.end()) {
    if (--owned->second == 0) rooms_owned_.erase(owned);
  }
  auto name = std::move(room.name);
  const Delivery destroyed(make_event(Event::Kind::destroy, name, user_id));
  rooms_.erase(it);
  deliver_to_all(destroyed);
  return name;
}

Hub::RoomResult Hub::join_room(const std::string& user_id, std::string_view room_name) {
  if (const auto error = protocol::check_room_name(room_name)) return *error;
  auto folded = protocol::fold_case(room_name);
  Room* room = nullptr;
  if (const auto it = rooms_.find(folded); it != rooms_.end()) {
    room = &it->second;
  } else {
    auto added = add_room(user_id, room_name, folded);
    if (const auto* error = std::get_if<Error>(&added)) return *error;
    room = std::get<Room*>(added);
  }
  if (!room->member_ids.insert(user_id).second) return Error::already_member;
  users_.at(user_id).rooms.insert(std::move(folded));
  deliver_to_room(*room, Delivery(make_event(Event::Kind::join, room->name, user_id)));
  return room->name;
}

Hub::RoomResult Hub::leave_room(const std::string& user_id, std::string_view room_name) {
  auto* room = find_room(room_name);
  if (!room) return Error::no_such_room;
  if (!room->member_ids.erase(user_id)) return Error::not_member;
  users_.at(user_id).rooms.erase(protocol::fold_case(room_name));
  deliver_to_room(*room, Delivery(make_event(Event::Kind::leave, room->name, user_id)));
  return room->name;
}

std::vector<std::string> Hub::room_names() const {
  std::vector<std::string> names;
  names.reserve(rooms_.size());
  for (const auto& [folded, room] : rooms_) names.push_back(room.name);
  return names;
}

std::vector<std::string> Hub::nicknames() const {
  std::vector<std::string> names;
  names.reserve(users_.size());
  for (const auto& [id, user] : users_) names.push_back(user.nickname);
  std::sort(names.begin(), names.end());
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

Event Hub::make_event(Event::Kind kind, const std::string& room, const std::string& user_id) const {
  return Event{kind, now(), room, user_id, users_.at(user_id).nickname, {}};
}

void Hub::deliver_to_all(const Delivery& delivery, const std::string* except) {
  for (const auto& [id, user] : users_) {
    if (!except || id != *except) user.client->deliver(delivery);
  }
}

void Hub::deliver_to_room(const Room& room, const Delivery& delivery) {
  for (const auto& member_id : room.member_ids) users_.at(member_id).client->deliver(delivery);
}

Room* Hub::find_room(std::string_view room) {
  const auto it = rooms_.find(protocol::fold_case(room));
  return it == rooms_.end() ? nullptr : &it->second;
}

const Room* Hub::find_room(std::string_view room) const {
  const auto it = rooms_.find(protocol::fold_case(room));
  return it == rooms_.end() ? nullptr : &it->second;
}

}  // namespace chat
