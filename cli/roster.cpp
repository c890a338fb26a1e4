#include "cli/roster.hpp"

#include "protocol/names.hpp"

namespace chat::cli {

using protocol::Event;

void Roster::add(Names& names, std::string_view name) {
  names.insert_or_assign(protocol::fold_case(name), std::string(name));
}

void Roster::remove(Names& names, std::string_view name) { names.erase(protocol::fold_case(name)); }

void Roster::apply(const protocol::Reply& reply) {
  if (reply.verb == "ROOMS" || reply.verb == "USERS") {
    auto& names = reply.verb == "ROOMS" ? rooms_ : users_;
    names.clear();
    for (const auto& name : reply.fields) add(names, name);
  } else if (reply.verb == "MEMBERS" && !reply.fields.empty()) {
    add(rooms_, reply.fields.front());
    for (auto member = reply.fields.begin() + 1; member != reply.fields.end(); ++member) {
      add(users_, *member);
    }
  }
}

void Roster::apply(const Event& event) {
  switch (event.kind) {
    case Event::Kind::online:
      add(users_, event.nickname);
      break;
    case Event::Kind::offline:
      remove(users_, event.nickname);
      break;
    case Event::Kind::rename:
      remove(users_, event.detail);
      add(users_, event.nickname);
      break;
    case Event::Kind::create:
      add(rooms_, event.room);
      break;
    case Event::Kind::destroy:
      remove(rooms_, event.room);
      break;
    case Event::Kind::join:
      add(rooms_, event.room);
      add(users_, event.nickname);
      break;
    case Event::Kind::leave:
    case Event::Kind::read:
    case Event::Kind::topic:
    case Event::Kind::kick:
    case Event::Kind::away:
    case Event::Kind::typing:
      break;
  }
}

void Roster::add_user(std::string_view nickname) { add(users_, nickname); }

void Roster::clear() {
  users_.clear();
  rooms_.clear();
}

std::vector<std::string> Roster::complete(std::string_view prefix) const {
  const auto& names = prefix.starts_with('#') ? rooms_ : users_;
  const auto folded = protocol::fold_case(prefix);
  std::vector<std::string> matches;
  for (auto it = names.lower_bound(folded); it != names.end() && it->first.starts_with(folded);
       ++it) {
    matches.push_back(it->second);
  }
  return matches;
}

}  // namespace chat::cli
