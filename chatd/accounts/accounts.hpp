#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "chatd/accounts/login_throttle.hpp"
#include "chatd/accounts/password_hasher.hpp"
#include "chatd/hub/hub.hpp"
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

  Accounts(const Hub& hub, store::Store* store, PasswordHasher& hasher);

  void verify_password(std::string_view nickname, std::string password, const std::string& address,
                       Reply<Verified> done);
  void verify_token(const std::string& token, Reply<Verified> done);
  // A new session token for the account (the store keeps only its hash).
  void issue_token(const std::string& account_id, Reply<std::variant<std::string, Error>> done);
  void revoke_token(const std::string& token);
  void hash_password(std::string password, Reply<std::variant<std::string, Error>> done);
  // Checks the current password, stores the new one and ends the account's other sessions.
  void change_password(const std::string& account_id, std::string current, std::string next,
                       const std::string& keep_token, Reply<std::optional<Error>> done);

 private:
  const Hub& hub_;
  store::Store* store_;
  PasswordHasher& hasher_;
  LoginThrottle by_account_{3};
  // Many people may share an address (NAT), so it gets more tries before it is slowed.
  LoginThrottle by_address_{20};
};

}  // namespace chat
