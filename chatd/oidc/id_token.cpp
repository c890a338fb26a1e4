#include "chatd/oidc/id_token.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "chatd/oidc/base64url.hpp"
#include "chatd/oidc/json_fields.hpp"

namespace chat::oidc {
namespace {

using Json = nlohmann::json;

// NumericDate: seconds since the epoch; a value out of any sane range is no date.
std::optional<std::int64_t> time_claim(const Json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const auto seconds = it->get<double>();
  if (!(seconds >= 0 && seconds < 1e12)) return std::nullopt;
  return static_cast<std::int64_t>(seconds);
}

// "aud" is one string or a list; with several, "azp" must name us, and an "azp" present must
// name us in any case (OpenID Connect Core 3.1.3.7 items 3 to 5).
bool audience_matches(const Json& claims, const std::string& client_id) {
  const auto aud = claims.find("aud");
  if (aud == claims.end()) return false;
  bool listed = aud->is_string() && *aud == client_id;
  if (aud->is_array()) {
    for (const auto& entry : *aud) listed = listed || (entry.is_string() && entry == client_id);
  }
  if (!listed) return false;
  const auto azp = claims.find("azp");
  if (azp == claims.end()) return !(aud->is_array() && aud->size() > 1);
  return azp->is_string() && *azp == client_id;
}

}  // namespace

std::string_view token_error_text(TokenError error) {
  switch (error) {
    case TokenError::malformed:
      return "malformed ID token";
    case TokenError::unsupported_algorithm:
      return "ID token signed with an algorithm chatd does not accept";
    case TokenError::unknown_key:
      return "ID token signed with a key the provider does not publish";
    case TokenError::bad_signature:
      return "ID token signature does not verify";
    case TokenError::wrong_issuer:
      return "ID token from another issuer";
    case TokenError::wrong_audience:
      return "ID token for another client";
    case TokenError::expired:
      return "ID token expired";
    case TokenError::issued_in_future:
      return "ID token issued in the future";
    case TokenError::wrong_nonce:
      return "ID token nonce does not match the sign-in";
    case TokenError::no_subject:
      return "ID token without a subject";
  }
  return "ID token refused";
}

std::variant<DecodedToken, TokenError> decode_token(std::string_view compact) {
  const auto first = compact.find('.');
  const auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
    return TokenError::malformed;
  const auto header_text = base64url_decode(compact.substr(0, first));
  auto claims_text = base64url_decode(compact.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(compact.substr(second + 1));
  if (!header_text || !claims_text || !signature) return TokenError::malformed;
  const auto header = Json::parse(*header_text, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) return TokenError::malformed;
  DecodedToken token;
  token.algorithm = string_member(header, "alg");
  token.key_id = string_member(header, "kid");
  // A JWS with "crit" headers chatd does not understand must be refused (RFC 7515 4.1.11).
  if (header.contains("crit")) return TokenError::unsupported_algorithm;
  if (token.algorithm != "RS256" && token.algorithm != "ES256")
    return TokenError::unsupported_algorithm;
  token.signing_input = std::string(compact.substr(0, second));
  token.signature = std::move(*signature);
  token.claims_json = std::move(*claims_text);
  return token;
}

std::variant<Identity, TokenError> verify_token(const DecodedToken& token, const SigningKeys& keys,
                                                const Expected& expected) {
  const auto* key = keys.find(token.key_id, token.algorithm);
  if (!key) return TokenError::unknown_key;
  if (!verify_signature(*key, token.signing_input, token.signature))
    return TokenError::bad_signature;
  const auto claims = Json::parse(token.claims_json, nullptr, /*allow_exceptions=*/false);
  if (claims.is_discarded() || !claims.is_object()) return TokenError::malformed;
  if (string_member(claims, "iss") != expected.issuer) return TokenError::wrong_issuer;
  if (!audience_matches(claims, expected.client_id)) return TokenError::wrong_audience;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(expected.now.time_since_epoch()).count();
  const auto leeway = expected.leeway.count();
  const auto expires = time_claim(claims, "exp");
  if (!expires || *expires + leeway < now) return TokenError::expired;
  const auto issued = time_claim(claims, "iat");
  if (!issued || *issued - leeway > now) return TokenError::issued_in_future;
  // The nonce ties the token to this sign-in: a token from another one cannot be replayed.
  if (expected.nonce.empty() || string_member(claims, "nonce") != expected.nonce)
    return TokenError::wrong_nonce;
  Identity identity{string_member(claims, "iss"), string_member(claims, "sub"), {}};
  if (identity.subject.empty() || identity.subject.size() > 255) return TokenError::no_subject;
  identity.preferred_username = nickname_hint(claims);
  return identity;
}

}  // namespace chat::oidc
