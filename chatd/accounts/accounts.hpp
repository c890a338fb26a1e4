#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "chatd/accounts/login_throttle.hpp"
#include "chatd/accounts/password_hasher.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/oidc/social_sign_in.hpp"
#include "chatd/store/store.hpp"
#include "protocol/error.hpp"

namespace chat {

// Credentials: checks passwords and session tokens, hashes new passwords, issues and revokes
// tokens, and slows down guessing. It says who someone is; the hub decides what follows.
class Accounts {
 public:
  using Error = protocol::Error;
  template <typename Value>
  using Reply = std::function<void(Value)>;
  using Verified = std::variant<std::string, Error>;  // an account id

  // How long a session token lets an account back in without its password.
  static constexpr auto session_lifetime = std::chrono::hours(24 * 30);

  // `social` may be null: no sign-in providers are configured.
  Accounts(const Hub& hub, store::Store* store, PasswordHasher& hasher,
           oidc::SocialSignIn* social = nullptr);

  void verify_password(std::string_view nickname, std::string password, const std::string& address,
                       Reply<Verified> done);
  void verify_token(const std::string& token, Reply<Verified> done);
  // A new session token for the account (the store keeps only its hash).
  void issue_token(const std::string& account_id, Reply<std::variant<std::string, Error>> done);
  void revoke_token(const std::string& token);
  void hash_password(std::string password, Reply<std::variant<std::string, Error>> done);
  // Gives an account made by a social sign-in (it has none) its first password, for the
  // console client and IRC; an account with a password is already_registered.
  void set_first_password(const std::string& account_id, std::string password,
                          Reply<std::optional<Error>> done);

  oidc::SocialSignIn* social() { return social_; }
  std::vector<std::string> provider_names() const;
  // The account an identity at a provider signs in to, if any.
  void find_identity(const oidc::Identity& identity,
                     Reply<std::variant<std::optional<std::string>, Error>> done);
  // Links the identity to the account; identity_linked when it is another account's.
  void link_identity(const oidc::Identity& identity, const std::string& account_id,
                     Reply<std::optional<Error>> done);
  // While a first sign-in makes an account for an identity, another sign-in of the same
  // identity must wait: it would make a second account. False when one is under way.
  bool begin_sign_up(const oidc::Identity& identity);
  void end_sign_up(const oidc::Identity& identity);

  // Checks the current password, stores the new one and ends the account's other sessions.
  void change_password(const std::string& account_id, std::string current, std::string next,
                       const std::string& keep_token, Reply<std::optional<Error>> done);

 private:
  const Hub& hub_;
  store::Store* store_;
  PasswordHasher& hasher_;
  oidc::SocialSignIn* social_;
  std::set<std::pair<std::string, std::string>> signing_up_;  // (issuer, subject)
  LoginThrottle by_account_{3};
  // Many people may share an address (NAT), so it gets more tries before it is slowed.
  LoginThrottle by_address_{20};
};

}  // namespace chat
