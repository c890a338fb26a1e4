#include "chatd/oidc/social_sign_in.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "chatd/oidc/base64url.hpp"
#include "chatd/oidc/json_fields.hpp"

namespace chat::oidc {
namespace {

using Json = nlohmann::json;

std::string random_word() {
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64url_encode(bytes);
}

std::string pkce_challenge(const std::string& verifier) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size());
  return base64url_encode(digest);
}

void log_refusal(const std::string& provider, std::string_view why) {
  fmt::print(stderr, "chatd: sign-in with {} refused: {}\n", provider, why);
}

}  // namespace

SocialSignIn::SocialSignIn(SignInConfig config, HttpClient& http, store::Store& store)
    : http_(http), redirect_uris_(std::move(config.redirect_uris)), store_(store) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  for (auto& provider : config.providers) {
    providers_.push_back(std::make_unique<Provider>(std::move(provider), http));
  }
}

std::vector<std::string> SocialSignIn::provider_names() const {
  std::vector<std::string> names;
  for (const auto& provider : providers_) names.push_back(provider->config().name);
  return names;
}

Provider* SocialSignIn::find(std::string_view name) {
  for (const auto& provider : providers_) {
    if (provider->config().name == name) return provider.get();
  }
  return nullptr;
}

void SocialSignIn::authorize(std::string_view name, std::string redirect_uri,
                             std::string linking_account,
                             std::function<void(std::variant<std::string, Error>)> done) {
  auto* provider = find(name);
  if (!provider) return done(Error::no_such_provider);
  if (!redirect_uri.starts_with("https://") && !redirect_uri.starts_with("http://"))
    return done(Error::invalid_argument);
  if (!redirect_uris_.empty() &&
      std::find(redirect_uris_.begin(), redirect_uris_.end(), redirect_uri) == redirect_uris_.end())
    return done(Error::redirect_refused);
  provider->metadata([this, provider, redirect_uri = std::move(redirect_uri),
                      linking_account = std::move(linking_account),
                      done = std::move(done)](const Metadata* metadata) mutable {
    if (!metadata) return done(Error::provider_unavailable);
    store::PendingSignIn pending{provider->config().name,
                                 random_word(),
                                 random_word(),
                                 std::move(redirect_uri),
                                 std::move(linking_account),
                                 std::chrono::system_clock::now() + pending_lifetime};
    const auto state = random_word();
    const auto& endpoint = metadata->authorization_endpoint;
    auto url = endpoint + (endpoint.find('?') == std::string::npos ? '?' : '&') +
               form_encode({{"response_type", "code"},
                            {"client_id", provider->config().client_id},
                            {"redirect_uri", pending.redirect_uri},
                            {"scope", "openid profile"},
                            {"state", state},
                            {"nonce", pending.nonce},
                            {"code_challenge", pkce_challenge(pending.verifier)},
                            {"code_challenge_method", "S256"}});
    store_.save_sign_in(state, std::move(pending), max_pending,
                        [url = std::move(url), done = std::move(done)](bool ok) mutable {
                          if (!ok) return done(Error::store_failed);
                          done(std::move(url));
                        });
  });
}

void SocialSignIn::linking_account(std::string_view state,
                                   std::function<void(std::variant<std::string, Error>)> done) {
  store_.find_sign_in(std::string(state), false,
                      [done = std::move(done)](bool ok, std::optional<store::PendingSignIn> found) {
                        if (!ok) return done(Error::store_failed);
                        if (!found) return done(Error::signin_expired);
                        done(std::move(found->linking_account));
                      });
}

void SocialSignIn::complete(std::string_view state, std::string code, Done done) {
  // Used once, whatever comes of it: a replayed state (or code) finds nothing.
  store_.find_sign_in(
      std::string(state), true,
      [this, code = std::move(code), done = std::move(done)](
          bool ok, std::optional<store::PendingSignIn> found) mutable {
        if (!ok) return done(Error::store_failed);
        auto* provider = found ? find(found->provider) : nullptr;
        if (!provider) return done(Error::signin_expired);  // unknown, expired, or unconfigured
        Pending pending{provider, std::move(found->nonce), std::move(found->verifier),
                        std::move(found->redirect_uri), std::move(found->linking_account)};
        provider->metadata([this, pending = std::move(pending), code = std::move(code),
                            done = std::move(done)](const Metadata* metadata) mutable {
          if (!metadata) return done(Error::provider_unavailable);
          exchange(std::move(pending), std::move(code), *metadata, std::move(done));
        });
      });
}

void SocialSignIn::exchange(Pending pending, std::string code, const Metadata& metadata,
                            Done done) {
  const auto& config = pending.provider->config();
  HttpRequest request{metadata.token_endpoint,
                      {{"grant_type", "authorization_code"},
                       {"code", std::move(code)},
                       {"redirect_uri", pending.redirect_uri},
                       {"code_verifier", pending.verifier}},
                      {},
                      {},
                      {}};
  if (config.client_secret.empty() || metadata.secret_in_body) {
    request.form.emplace_back("client_id", config.client_id);
    if (!config.client_secret.empty())
      request.form.emplace_back("client_secret", config.client_secret);
  } else {
    request.basic_user = config.client_id;
    request.basic_password = config.client_secret;
  }
  http_.fetch(std::move(request), [this, pending = std::move(pending),
                                   done = std::move(done)](HttpResult result) mutable {
    const auto& name = pending.provider->config().name;
    if (const auto* failure = std::get_if<HttpFailure>(&result)) {
      log_refusal(name, "token endpoint: " + failure->reason);
      return done(Error::provider_unavailable);
    }
    const auto& response = std::get<HttpResponse>(result);
    const auto answer = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (response.status != 200 || !answer.is_object()) {
      const auto error = answer.is_object() ? string_member(answer, "error") : std::string();
      log_refusal(name, fmt::format("token endpoint answered {} {}", response.status, error));
      // RFC 6749 5.2: a code that is used, expired or not this client's is "invalid_grant".
      if (error == "invalid_grant") return done(Error::signin_expired);
      return done(response.status >= 500 ? Error::provider_unavailable : Error::signin_failed);
    }
    auto decoded = decode_token(string_member(answer, "id_token"));
    if (const auto* error = std::get_if<TokenError>(&decoded)) {
      log_refusal(name, token_error_text(*error));
      return done(Error::signin_failed);
    }
    verify(std::move(pending), std::move(std::get<DecodedToken>(decoded)),
           string_member(answer, "access_token"), /*refreshed=*/false, std::move(done));
  });
}

void SocialSignIn::verify(Pending pending, DecodedToken token, std::string access_token,
                          bool refreshed, Done done) {
  auto* provider = pending.provider;
  provider->keys(refreshed, [this, pending = std::move(pending), token = std::move(token),
                             access_token = std::move(access_token), refreshed,
                             done = std::move(done)](const SigningKeys* keys) mutable {
    const auto& config = pending.provider->config();
    if (!keys) return done(Error::provider_unavailable);
    auto verified = verify_token(
        token, *keys,
        {config.issuer, config.client_id, pending.nonce, std::chrono::system_clock::now()});
    if (const auto* error = std::get_if<TokenError>(&verified)) {
      // A key not among those cached: the provider may have rotated its keys. Once.
      if (*error == TokenError::unknown_key && !refreshed) {
        return verify(std::move(pending), std::move(token), std::move(access_token), true,
                      std::move(done));
      }
      log_refusal(config.name, token_error_text(*error));
      return done(Error::signin_failed);
    }
    add_profile(std::move(pending), std::move(std::get<Identity>(verified)), access_token,
                std::move(done));
  });
}

// A nickname hint from the UserInfo endpoint when the ID token had none. Only a hint: its
// failure does not fail the sign-in, and its "sub" must be the token's (Core 5.3.2).
void SocialSignIn::add_profile(Pending pending, Identity identity, const std::string& access_token,
                               Done done) {
  auto finish = [done, provider = pending.provider->config().name,
                 linking = pending.linking_account](Identity identity) {
    done(Completed{provider, std::move(identity), linking});
  };
  if (!identity.preferred_username.empty() || access_token.empty())
    return finish(std::move(identity));
  pending.provider->metadata([this, identity = std::move(identity), access_token,
                              finish = std::move(finish)](const Metadata* metadata) mutable {
    if (!metadata || metadata->userinfo_endpoint.empty()) return finish(std::move(identity));
    http_.fetch(
        {metadata->userinfo_endpoint, {}, {}, {}, access_token},
        [identity = std::move(identity), finish = std::move(finish)](HttpResult result) mutable {
          if (const auto* response = std::get_if<HttpResponse>(&result);
              response && response->status == 200) {
            const auto profile = Json::parse(response->body, nullptr, false);
            if (profile.is_object() && string_member(profile, "sub") == identity.subject) {
              identity.preferred_username = nickname_hint(profile);
            }
          }
          finish(std::move(identity));
        });
  });
}

}  // namespace chat::oidc
