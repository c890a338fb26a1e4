#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/server_line.hpp"

namespace chat::cli {

// The nicknames and rooms the client has heard of, kept up to date from list replies and events
// so that Tab can complete them. Names compare case-insensitively, as on the server.
class Roster {
 public:
  void apply(const protocol::Reply& reply);  // ROOMS and USERS replace, MEMBERS adds
  void apply(const protocol::Event& event);
  void add_user(std::string_view nickname);
  void clear();

  // Known names starting with prefix, ignoring case: rooms when it starts with '#', else nicknames.
  std::vector<std::string> complete(std::string_view prefix) const;

 private:
  using Names = std::map<std::string, std::string>;  // folded name -> name as spelt
  static void add(Names& names, std::string_view name);
  static void remove(Names& names, std::string_view name);

  Names users_;
  Names rooms_;
};

}  // namespace chat::cli
