#include "chatd/oidc/id_token.hpp"

#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "chatd/oidc/base64url.hpp"
#include "chatd/oidc/provider.hpp"
#include "chatd/oidc/signing_keys.hpp"

using namespace chat::oidc;
using Json = nlohmann::json;

namespace {

// A signing key made here with OpenSSL, its JWK (public part) and a way to sign with it: the
// tokens these tests check are real signatures, as a provider makes them.
class TestKey {
 public:
  TestKey(std::string algorithm, std::string id)
      : algorithm_(std::move(algorithm)),
        id_(std::move(id)),
        key_(algorithm_ == "RS256" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"), EVP_PKEY_free) {
    REQUIRE(key_);
  }

  Json jwk() const {
    if (algorithm_ == "RS256") {
      return {{"kty", "RSA"},
              {"kid", id_},
              {"use", "sig"},
              {"alg", "RS256"},
              {"n", number(OSSL_PKEY_PARAM_RSA_N)},
              {"e", number(OSSL_PKEY_PARAM_RSA_E)}};
    }
    unsigned char point[65];
    std::size_t length = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                            sizeof point, &length) == 1);
    REQUIRE(length == 65);
    const std::string bytes(reinterpret_cast<char*>(point), length);
    return {{"kty", "EC"},
            {"kid", id_},
            {"crv", "P-256"},
            {"x", base64url_encode(bytes.substr(1, 32))},
            {"y", base64url_encode(bytes.substr(33))}};
  }

  std::string sign(const Json& claims, Json header = Json::object()) const {
    if (!header.contains("alg")) header["alg"] = algorithm_;
    if (!header.contains("kid")) header["kid"] = id_;
    const auto input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1);
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    REQUIRE(EVP_DigestSign(context.get(), nullptr, &length, data, input.size()) == 1);
    std::string signature(length, '\0');
    REQUIRE(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()),
                           &length, data, input.size()) == 1);
    signature.resize(length);
    if (algorithm_ == "ES256") signature = raw_ecdsa(signature);
    return input + "." + base64url_encode(signature);
  }

 private:
  std::string number(const char* name) const {
    BIGNUM* value = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key_.get(), name, &value) == 1);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(value)), '\0');
    BN_bn2bin(value, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(value);
    return base64url_encode(bytes);
  }

  // JWS wants r and s as 32 bytes each, not DER.
  static std::string raw_ecdsa(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    REQUIRE(sig);
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
  }

  std::string algorithm_;
  std::string id_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

const auto now = std::chrono::system_clock::now();
const std::int64_t now_seconds =
    std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
const Expected expected{"https://id.example", "chat-client", "nonce-1", now};

Json good_claims() {
  return {{"iss", "https://id.example"},  {"aud", "chat-client"}, {"sub", "user-7"},
          {"nonce", "nonce-1"},           {"iat", now_seconds},   {"exp", now_seconds + 300},
          {"preferred_username", "alice"}};
}

SigningKeys keys_of(std::initializer_list<const TestKey*> keys) {
  Json jwks{{"keys", Json::array()}};
  for (const auto* key : keys) jwks["keys"].push_back(key->jwk());
  auto parsed = SigningKeys::parse(jwks.dump());
  REQUIRE(std::holds_alternative<SigningKeys>(parsed));
  return std::get<SigningKeys>(parsed);
}

std::variant<Identity, TokenError> check(const std::string& token, const SigningKeys& keys,
                                         const Expected& with = expected) {
  auto decoded = decode_token(token);
  if (const auto* error = std::get_if<TokenError>(&decoded)) return *error;
  return verify_token(std::get<DecodedToken>(decoded), keys, with);
}

TokenError refusal(const std::variant<Identity, TokenError>& result) {
  REQUIRE(std::holds_alternative<TokenError>(result));
  return std::get<TokenError>(result);
}

}  // namespace

TEST_CASE("ID tokens signed with RS256 and ES256 verify, and say who") {
  const TestKey rsa("RS256", "r1");
  const TestKey ec("ES256", "e1");
  const auto keys = keys_of({&rsa, &ec});
  CHECK(keys.size() == 2);
  for (const auto* key : {&rsa, &ec}) {
    const auto result = check(key->sign(good_claims()), keys);
    REQUIRE(std::holds_alternative<Identity>(result));
    const auto& identity = std::get<Identity>(result);
    CHECK(identity.issuer == "https://id.example");
    CHECK(identity.subject == "user-7");
    CHECK(identity.preferred_username == "alice");
  }
}

TEST_CASE("a forged, altered or unsigned ID token is refused") {
  const TestKey genuine("RS256", "r1");
  const TestKey forger("RS256", "r1");  // the same kid, another key
  const auto keys = keys_of({&genuine});
  CHECK(refusal(check(forger.sign(good_claims()), keys)) == TokenError::bad_signature);

  // Claims swapped under a genuine signature.
  auto token = genuine.sign(good_claims());
  auto altered = good_claims();
  altered["sub"] = "admin";
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  token.replace(first + 1, second - first - 1, base64url_encode(altered.dump()));
  CHECK(refusal(check(token, keys)) == TokenError::bad_signature);

  const auto header = base64url_encode(R"({"alg":"none"})");
  CHECK(refusal(check(header + "." + base64url_encode(good_claims().dump()) + ".", keys)) ==
        TokenError::unsupported_algorithm);
  CHECK(refusal(check(genuine.sign(good_claims(), {{"alg", "HS256"}}), keys)) ==
        TokenError::unsupported_algorithm);
  CHECK(refusal(check(genuine.sign(good_claims(), {{"crit", {"exp"}}}), keys)) ==
        TokenError::unsupported_algorithm);
  CHECK(refusal(check(TestKey("RS256", "r2").sign(good_claims()), keys)) ==
        TokenError::unknown_key);
  for (const auto* garbage : {"", "a.b", "a.b.c.d", "!!.!!.!!", "bm90IGpzb24.e30."}) {
    CHECK(refusal(check(garbage, keys)) == TokenError::malformed);
  }
  CHECK(refusal(check("e30.e30.", keys)) == TokenError::unsupported_algorithm);  // no "alg"
}

TEST_CASE("ID token claims: issuer, audience, time and nonce") {
  const TestKey key("RS256", "r1");
  const auto keys = keys_of({&key});
  const auto with = [&](const char* name, Json value) {
    auto claims = good_claims();
    if (value.is_null()) {
      claims.erase(name);
    } else {
      claims[name] = std::move(value);
    }
    return check(key.sign(claims), keys);
  };
  CHECK(refusal(with("iss", "https://evil.example")) == TokenError::wrong_issuer);
  CHECK(refusal(with("aud", "another-client")) == TokenError::wrong_audience);
  CHECK(refusal(with("aud", nullptr)) == TokenError::wrong_audience);
  CHECK(std::holds_alternative<Identity>(with("aud", {"chat-client"})));
  // Several audiences need azp to name us.
  CHECK(refusal(with("aud", {"chat-client", "other"})) == TokenError::wrong_audience);
  auto claims = good_claims();
  claims["aud"] = {"chat-client", "other"};
  claims["azp"] = "chat-client";
  CHECK(std::holds_alternative<Identity>(check(key.sign(claims), keys)));
  CHECK(refusal(with("azp", "other")) == TokenError::wrong_audience);

  CHECK(refusal(with("exp", now_seconds - 61)) == TokenError::expired);
  CHECK(std::holds_alternative<Identity>(with("exp", now_seconds - 30)));  // within the leeway
  CHECK(refusal(with("exp", nullptr)) == TokenError::expired);
  CHECK(refusal(with("exp", 1e300)) == TokenError::expired);
  CHECK(refusal(with("iat", now_seconds + 3600)) == TokenError::issued_in_future);
  CHECK(refusal(with("nonce", "nonce-2")) == TokenError::wrong_nonce);
  CHECK(refusal(with("nonce", nullptr)) == TokenError::wrong_nonce);
  CHECK(refusal(with("sub", "")) == TokenError::no_subject);
  CHECK(refusal(with("sub", nullptr)) == TokenError::no_subject);
  // A nickname hint falls back through the profile claims, never to the e-mail address.
  auto named = good_claims();
  named.erase("preferred_username");
  named["email"] = "bob@example.org";
  CHECK(std::get<Identity>(check(key.sign(named), keys)).preferred_username.empty());
  named["name"] = "Bob Builder";
  CHECK(std::get<Identity>(check(key.sign(named), keys)).preferred_username == "Bob Builder");
}

TEST_CASE("a key set keeps the signature keys it can use and skips the rest") {
  const TestKey rsa("RS256", "r1");
  Json jwks{{"keys",
             {rsa.jwk(),
              {{"kty", "RSA"}, {"kid", "enc"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}},
              {{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}},
              {{"kty", "RSA"},
               {"kid", "short"},
               {"n", base64url_encode(std::string(64, '\x7f'))},
               {"e", "AQAB"}},
              // The genuine key's modulus with an exponent of 1 (no check at all), an even one,
              // and a huge one (a slow check on every sign-in).
              {{"kty", "RSA"}, {"kid", "e1"}, {"n", rsa.jwk()["n"]}, {"e", "AQ"}},
              {{"kty", "RSA"}, {"kid", "e2"}, {"n", rsa.jwk()["n"]}, {"e", "AAAC"}},
              {{"kty", "RSA"},
               {"kid", "e3"},
               {"n", rsa.jwk()["n"]},
               {"e", base64url_encode(std::string(256, '\x01'))}},
              "not a key"}}};
  auto parsed = SigningKeys::parse(jwks.dump());
  REQUIRE(std::holds_alternative<SigningKeys>(parsed));
  const auto& keys = std::get<SigningKeys>(parsed);
  CHECK(keys.size() == 1);
  CHECK(keys.find("r1", "RS256"));
  CHECK(keys.find("", "RS256"));  // no kid: the only RS256 key
  CHECK_FALSE(keys.find("r1", "ES256"));
  CHECK_FALSE(keys.find("short", "RS256"));  // a 512-bit RSA key is refused
  for (const auto* refused : {"e1", "e2", "e3"}) CHECK_FALSE(keys.find(refused, "RS256"));
  CHECK(std::holds_alternative<std::string>(SigningKeys::parse("{}")));
  CHECK(std::holds_alternative<std::string>(SigningKeys::parse("[1,2")));
}

TEST_CASE("base64url round trip") {
  for (const std::string bytes : {"", "f", "fo", "foo", "\xff\xfe\x00\x01"}) {
    CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK_FALSE(base64url_decode("ab=="));
  CHECK_FALSE(base64url_decode("a+b/"));
}

TEST_CASE("provider endpoints: HTTPS, or plain HTTP to this machine only") {
  CHECK(is_acceptable_endpoint("https://id.example/token"));
  CHECK(is_acceptable_endpoint("http://127.0.0.1:8080/token"));
  CHECK(is_acceptable_endpoint("http://localhost/token"));
  CHECK(is_acceptable_endpoint("http://[::1]:9/x"));
  CHECK_FALSE(is_acceptable_endpoint("http://id.example/token"));
  CHECK_FALSE(is_acceptable_endpoint("http://localhost:@evil.example/token"));
  CHECK_FALSE(is_acceptable_endpoint("http://localhost.evil.example/token"));
  CHECK_FALSE(is_acceptable_endpoint("http://127.0.0.1:80x/token"));
  CHECK_FALSE(is_acceptable_endpoint("https://user@id.example/token"));
  CHECK_FALSE(is_acceptable_endpoint("https://id.example/a b"));
  CHECK_FALSE(is_acceptable_endpoint("https://id.example/a\nOK"));
  CHECK_FALSE(is_acceptable_endpoint("ftp://id.example/"));
  CHECK_FALSE(is_acceptable_endpoint("https:///token"));
}
