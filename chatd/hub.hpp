#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "chatd/client.hpp"
#include "chatd/hub_limits.hpp"
#include "chatd/id_generator.hpp"
#include "chatd/room.hpp"
#include "protocol/command.hpp"
#include "protocol/error.hpp"
#include "protocol/server_line.hpp"

namespace chat {

// All chat state: who is online under which nickname, which rooms exist and who is in them.
// Fronts call in with validated commands and get results as values; the hub routes messages
// and events to the clients concerned. Names are compared after protocol::fold_case.
class Hub {
 public:
  using Error = protocol::Error;

  Hub(IdGenerator& ids, HubLimits limits);

  // Logs a client in; returns its new user id.
  std::variant<std::string, Error> login(Client& client, std::string_view nickname);
  std::optional<Error> rename(const std::string& user_id, std::string_view nickname);
  // Leaves every room and tells the others; the user id is then unknown.
  void logout(const std::string& user_id);

  // Routes a message; returns it as delivered (with its id and time) for the sender's reply.
  std::variant<protocol::ChatMessage, Error> send(const std::string& user_id,
                                                  const protocol::Target& target,
                                                  std::string_view text);

  // Room operations return the room's name as created ("#Main" for "JOIN #main").
  using RoomResult = std::variant<std::string, Error>;
  RoomResult create_room(const std::string& user_id, std::string_view room);
  RoomResult destroy_room(const std::string& user_id, std::string_view room);
  // Joining a room that does not exist creates it, as IRC does.
  RoomResult join_room(const std::string& user_id, std::string_view room);
  RoomResult leave_room(const std::string& user_id, std::string_view room);

  std::vector<std::string> room_names() const;
  std::vector<std::string> nicknames() const;
  // The room's name as created, then its members' nicknames.
  std::variant<std::vector<std::string>, Error> members(std::string_view room) const;

 private:
  struct User {
    std::string nickname;
    Client* client;
    std::set<std::string> rooms;  // folded room names
  };

  // Creates a room whose name is valid and free, within the limits, and tells everyone.
  std::variant<Room*, Error> add_room(const std::string& user_id, std::string_view name,
                                      std::string folded);
  protocol::Event make_event(protocol::Event::Kind kind, const std::string& room,
                             const std::string& user_id) const;
  void deliver_to_all(const Delivery& delivery, const std::string* except = nullptr);
  void deliver_to_room(const Room& room, const Delivery& delivery);
  Room* find_room(std::string_view room);
  const Room* find_room(std::string_view room) const;

  IdGenerator& ids_;
  HubLimits limits_;
  std::unordered_map<std::string, std::size_t> rooms_owned_;      // by owner's user id
  std::unordered_map<std::string, User> users_;                   // by user id
  std::unordered_map<std::string, std::string> ids_by_nickname_;  // folded nickname -> user id
  std::map<std::string, Room> rooms_;                             // folded name -> room
};

}  // namespace chat
