#include "chatd/cluster/bus_message.hpp"

#include <nlohmann/json.hpp>

namespace chat::cluster {
namespace {

using nlohmann::json;
using protocol::Event;

// A whole number, or no message: converting a JSON float out of range to an integer is
// undefined behaviour (found by fuzzing: "started":1.7e30).
template <typename Number>
Number integer(const json& j, const char* key) {
  const auto& value = j.at(key);
  if (!value.is_number_integer()) throw std::out_of_range(key);
  return value.get<Number>();
}

json event_json(const Event& event) {
  return {{"kind", static_cast<int>(event.kind)},
          {"time", event.time},
          {"room", event.room},
          {"user", event.user_id},
          {"nick", event.nickname},
          {"detail", event.detail}};
}

Event event_of(const json& j) {
  const auto kind = integer<int>(j, "kind");
  if (kind < 0 || kind > static_cast<int>(Event::Kind::typing)) throw std::out_of_range("kind");
  return Event{static_cast<Event::Kind>(kind),  j.at("time").get<std::string>(),
               j.at("room").get<std::string>(), j.at("user").get<std::string>(),
               j.at("nick").get<std::string>(), j.at("detail").get<std::string>()};
}

json update_json(const peer::Update& update) {
  if (const auto* on = std::get_if<peer::UserOnline>(&update)) {
    return {{"op", "online"},       {"user", on->user_id},
            {"nick", on->nickname}, {"registered", on->registered},
            {"away", on->away},     {"rooms", on->rooms}};
  }
  if (const auto* off = std::get_if<peer::UserOffline>(&update)) {
    return {{"op", "offline"}, {"user", off->user_id}};
  }
  if (const auto* registered = std::get_if<peer::Registered>(&update)) {
    return {{"op", "registered"}, {"user", registered->user_id}, {"nick", registered->nickname}};
  }
  if (const auto* change = std::get_if<peer::Change>(&update)) {
    return {{"op", "change"}, {"event", event_json(change->event)}, {"to", change->to}};
  }
  if (const auto* room = std::get_if<peer::RoomState>(&update)) {
    return {{"op", "room"},
            {"name", room->name},
            {"owner", room->owner_id},
            {"topic", {room->topic.text, room->topic.set_by, room->topic.time}}};
  }
  const auto& sent = std::get<peer::Message>(update);
  const auto& message = sent.message;
  return {{"op", "message"},          {"conversation", sent.conversation},
          {"id", message.id},         {"time", message.time},
          {"target", message.target}, {"sender", message.sender_id},
          {"nick", message.sender},   {"text", message.text}};
}

peer::Update update_of(const std::string& op, const json& j) {
  const auto text = [&j](const char* key) { return j.at(key).get<std::string>(); };
  if (op == "online") {
    return peer::UserOnline{text("user"), text("nick"), j.at("registered").get<bool>(),
                            text("away"), j.at("rooms").get<std::vector<std::string>>()};
  }
  if (op == "offline") return peer::UserOffline{text("user")};
  if (op == "registered") return peer::Registered{text("user"), text("nick")};
  if (op == "change") return peer::Change{event_of(j.at("event")), text("to")};
  if (op == "room") {
    const auto& topic = j.at("topic");
    return peer::RoomState{text("name"),
                           text("owner"),
                           {topic.at(0).get<std::string>(), topic.at(1).get<std::string>(),
                            topic.at(2).get<std::string>()}};
  }
  if (op == "message") {
    return peer::Message{
        {text("id"), text("time"), text("target"), text("sender"), text("nick"), text("text")},
        text("conversation")};
  }
  throw std::out_of_range("op");
}

}  // namespace

std::string encode(const BusMessage& message) {
  json j;
  if (const auto* beat = std::get_if<Beat>(&message.body)) {
    const auto& node = beat->node;
    j = {{"op", "beat"},        {"address", node.address}, {"kind", node.kind},
         {"users", node.users}, {"started", node.started}, {"leaving", beat->leaving}};
  } else if (std::holds_alternative<Hello>(message.body)) {
    j = {{"op", "hello"}};
  } else {
    j = update_json(std::get<peer::Update>(message.body));
  }
  j["node"] = message.node;
  j["incarnation"] = message.incarnation;
  j["seq"] = message.sequence;
  // Every text was checked as UTF-8 where it came in; were one not, it goes out mended rather
  // than throwing in the middle of a fan-out.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<BusMessage> decode(std::string_view text) {
  try {
    const auto j = json::parse(text);
    BusMessage message{j.at("node").get<std::string>(), j.at("incarnation").get<std::string>(),
                       Hello{}, integer<std::uint64_t>(j, "seq")};
    const auto op = j.at("op").get<std::string>();
    if (op == "beat") {
      message.body =
          Beat{{message.node, j.at("address").get<std::string>(), j.at("kind").get<std::string>(),
                integer<std::size_t>(j, "users"), integer<long long>(j, "started")},
               j.at("leaving").get<bool>()};
    } else if (op != "hello") {
      message.body = update_of(op, j);
    }
    return message;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace chat::cluster
