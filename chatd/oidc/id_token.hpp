#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "chatd/oidc/signing_keys.hpp"

namespace chat::oidc {

// Why an ID token was refused; each is logged, and the user is told the sign-in failed.
enum class TokenError {
  malformed,              // not a compact JWS with JSON header and claims
  unsupported_algorithm,  // "none", HS256 or anything but RS256/ES256
  unknown_key,            // no published key has its "kid" (after fetching the keys again)
  bad_signature,
  wrong_issuer,
  wrong_audience,
  expired,
  issued_in_future,
  wrong_nonce,
  no_subject,
};
std::string_view token_error_text(TokenError error);

// A compact JWS split and decoded, nothing verified yet.
struct DecodedToken {
  std::string algorithm;  // header "alg"
  std::string key_id;     // header "kid" (may be empty)
  std::string signing_input;
  std::string signature;
  std::string claims_json;
};
std::variant<DecodedToken, TokenError> decode_token(std::string_view compact);

// What chatd takes from a verified ID token: who (issuer and subject) and a nickname hint.
struct Identity {
  std::string issuer;
  std::string subject;
  std::string preferred_username;  // the first of preferred_username, nickname, name
};

struct Expected {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  std::chrono::system_clock::time_point now;
  // Clocks of provider and chatd disagree a little (OpenID Connect Core 3.1.3.7 allows for it).
  std::chrono::seconds leeway{60};
};

// Checks the signature with the provider's keys, then iss, aud (and azp), exp, iat and nonce.
std::variant<Identity, TokenError> verify_token(const DecodedToken& token, const SigningKeys& keys,
                                                const Expected& expected);

}  // namespace chat::oidc
