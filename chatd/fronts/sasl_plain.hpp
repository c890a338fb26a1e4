#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat {

// The credentials of SASL PLAIN (RFC 4616): "authzid NUL authcid NUL password".
struct SaslPlain {
  std::string authorization;   // whom to act as; empty: the same as the authentication name
  std::string authentication;  // the account's nickname
  std::string password;
};

// Decodes the base64 payload of IRC's AUTHENTICATE (all its chunks joined); nullopt when it is
// not base64 or not the PLAIN layout.
std::optional<SaslPlain> decode_sasl_plain(std::string_view base64);

}  // namespace chat
