#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chat::oidc {

// A string member of a JSON object (a claim, a discovery field); empty when absent or not a
// string.
inline std::string string_member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The nickname a profile (ID token claims, a UserInfo answer) suggests: the first of
// preferred_username, nickname and name. Not the e-mail address: a nickname is public, and the
// address need not be.
inline std::string nickname_hint(const nlohmann::json& profile) {
  for (const auto* name : {"preferred_username", "nickname", "name"}) {
    if (auto hint = string_member(profile, name); !hint.empty()) return hint;
  }
  return {};
}

}  // namespace chat::oidc
