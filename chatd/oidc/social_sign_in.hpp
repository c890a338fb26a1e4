#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chatd/oidc/http_client.hpp"
#include "chatd/oidc/id_token.hpp"
#include "chatd/oidc/provider.hpp"
#include "chatd/oidc/provider_config.hpp"
#include "chatd/store/store.hpp"
#include "protocol/error.hpp"

namespace chat::oidc {

// OpenID Connect sign-in, authorization code flow with PKCE, with chatd as the relying party.
// `authorize` makes a state, a nonce and a PKCE verifier, keeps them in the store (where any node
// of a cluster can finish the sign-in), and gives the URL to send the browser to. The provider
// sends the browser back to the redirect URI with a code and the state; `complete` takes those
// (once: the state is forgotten when used), exchanges the code at the provider's token endpoint
// itself, and verifies the ID token it gets (signature, issuer, audience, expiry, nonce). Nothing a
// browser or wsproxy says about who someone is is trusted.
class SocialSignIn {
 public:
  using Error = protocol::Error;
  static constexpr auto pending_lifetime = std::chrono::minutes(10);
  static constexpr std::size_t max_pending = 10000;

  struct Completed {
    std::string provider;
    Identity identity;
    std::string linking_account;  // the account that asked to link this identity, if any
  };

  SocialSignIn(SignInConfig config, HttpClient& http, store::Store& store);

  std::vector<std::string> provider_names() const;
  // The authorization URL for the browser. `linking_account` (may be empty): the account that
  // asks, so that the identity is linked to it rather than signed in with.
  void authorize(std::string_view provider, std::string redirect_uri, std::string linking_account,
                 std::function<void(std::variant<std::string, Error>)> done);
  // Who a pending sign-in is for, without using it up: the account that asked when it is a
  // link, "" when it is a sign-in; signin_expired when the state is unknown or expired.
  void linking_account(std::string_view state,
                       std::function<void(std::variant<std::string, Error>)> done);
  void complete(std::string_view state, std::string code,
                std::function<void(std::variant<Completed, Error>)> done);

 private:
  // A pending sign-in taken from the store, with its provider found.
  struct Pending {
    Provider* provider;
    std::string nonce;
    std::string verifier;  // PKCE code_verifier
    std::string redirect_uri;
    std::string linking_account;
  };
  using Done = std::function<void(std::variant<Completed, Error>)>;

  Provider* find(std::string_view name);
  void exchange(Pending pending, std::string code, const Metadata& metadata, Done done);
  void verify(Pending pending, DecodedToken token, std::string access_token, bool refreshed,
              Done done);
  void add_profile(Pending pending, Identity identity, const std::string& access_token, Done done);

  std::vector<std::unique_ptr<Provider>> providers_;
  HttpClient& http_;
  std::vector<std::string> redirect_uris_;
  store::Store& store_;
};

}  // namespace chat::oidc
