#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using EVP_PKEY = struct evp_pkey_st;

namespace chat::oidc {

// A provider's published signature keys (its JWKS, RFC 7517): RSA keys for RS256 and P-256
// keys for ES256, the algorithms OpenID providers sign ID tokens with. Keys of other kinds, or
// meant for encryption, are skipped, not errors: a provider may publish more than chatd uses.
class SigningKeys {
 public:
  struct Key {
    std::string id;         // "kid"; may be empty
    std::string algorithm;  // "RS256" or "ES256"
    std::shared_ptr<EVP_PKEY> key;
  };

  // nullopt-like failure as a reason when the document is not a JWKS at all.
  static std::variant<SigningKeys, std::string> parse(std::string_view jwks_json);

  // The key a token names (by "kid" and "alg"). A token without "kid" may use the only key of
  // its algorithm.
  const Key* find(std::string_view id, std::string_view algorithm) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::vector<Key> keys_;
};

// Whether `signature` (as JWS carries it) signs `input` with `key` under its algorithm.
bool verify_signature(const SigningKeys::Key& key, std::string_view input,
                      std::string_view signature);

}  // namespace chat::oidc
