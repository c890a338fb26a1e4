#include "chatd/oidc/signing_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "chatd/oidc/base64url.hpp"

namespace chat::oidc {
namespace {

using Json = nlohmann::json;

// RSA keys shorter than this are refused (NIST SP 800-131A; RFC 7518 asks for 2048 too).
constexpr int min_rsa_bits = 2048;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BigNumber = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSignature = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

std::optional<std::string> member(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::string> decoded_member(const Json& object, const char* name) {
  const auto text = member(object, name);
  return text ? base64url_decode(*text) : std::nullopt;
}

BigNumber big_number(const std::string& bytes) {
  return BigNumber(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> from_params(const char* type, const ParamBuilder& builder) {
  const Params params(OSSL_PARAM_BLD_to_param(builder.get()));
  const PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> rsa_key(const Json& jwk) {
  const auto n = decoded_member(jwk, "n");
  const auto e = decoded_member(jwk, "e");
  if (!n || !e) return nullptr;
  // The usual exponent is 65537; a huge one would make each check slow, and 1 no check at all.
  if (e->empty() || e->size() > 4 || !(static_cast<unsigned char>(e->back()) & 1)) return nullptr;
  const auto modulus = big_number(*n);
  const auto exponent = big_number(*e);
  if (exponent && BN_is_one(exponent.get())) return nullptr;
  const ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  auto key = from_params("RSA", builder);
  if (key && EVP_PKEY_get_bits(key.get()) < min_rsa_bits) return nullptr;
  return key;
}

std::shared_ptr<EVP_PKEY> p256_key(const Json& jwk) {
  const auto x = decoded_member(jwk, "x");
  const auto y = decoded_member(jwk, "y");
  if (member(jwk, "crv") != "P-256" || !x || !y || x->size() != 32 || y->size() != 32)
    return nullptr;
  auto point = "\x04" + *x + *y;  // an uncompressed point (SEC 1)
  const ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  return from_params("EC", builder);
}

// JWS carries an ECDSA signature as r then s, 32 bytes each; OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(std::string_view signature) {
  if (signature.size() != 64) return std::nullopt;
  const auto r = big_number(std::string(signature.substr(0, 32)));
  const auto s = big_number(std::string(signature.substr(32)));
  EcdsaSignature sig(ECDSA_SIG_new());
  if (!r || !s || !sig) return std::nullopt;
  auto* r_raw = BN_dup(r.get());
  auto* s_raw = BN_dup(s.get());
  if (ECDSA_SIG_set0(sig.get(), r_raw, s_raw) != 1) {
    BN_free(r_raw);
    BN_free(s_raw);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string encoded(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return encoded;
}

}  // namespace

std::variant<SigningKeys, std::string> SigningKeys::parse(std::string_view jwks_json) {
  const auto document = Json::parse(jwks_json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object() || !document.contains("keys") ||
      !document["keys"].is_array()) {
    return std::string("not a JSON Web Key Set");
  }
  SigningKeys keys;
  for (const auto& jwk : document["keys"]) {
    if (!jwk.is_object()) continue;
    if (const auto use = member(jwk, "use"); use && *use != "sig") continue;
    const auto type = member(jwk, "kty");
    const auto algorithm = member(jwk, "alg");
    Key key{member(jwk, "kid").value_or(""), "", nullptr};
    if (type == "RSA" && algorithm.value_or("RS256") == "RS256") {
      key.algorithm = "RS256";
      key.key = rsa_key(jwk);
    } else if (type == "EC" && algorithm.value_or("ES256") == "ES256") {
      key.algorithm = "ES256";
      key.key = p256_key(jwk);
    }
    if (key.key) keys.keys_.push_back(std::move(key));
  }
  return keys;
}

const SigningKeys::Key* SigningKeys::find(std::string_view id, std::string_view algorithm) const {
  const Key* only = nullptr;
  std::size_t of_algorithm = 0;
  for (const auto& key : keys_) {
    if (key.algorithm != algorithm) continue;
    if (!id.empty() && key.id == id) return &key;
    ++of_algorithm;
    only = &key;
  }
  return id.empty() && of_algorithm == 1 ? only : nullptr;
}

bool verify_signature(const SigningKeys::Key& key, std::string_view input,
                      std::string_view signature) {
  std::string der;
  if (key.algorithm == "ES256") {
    auto converted = ecdsa_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  const DigestContext context(EVP_MD_CTX_new());
  return context &&
         EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace chat::oidc
