#include "chatd/accounts/accounts.hpp"

#include <utility>

#include "chatd/accounts/session_token.hpp"
#include "protocol/names.hpp"

namespace chat {

Accounts::Accounts(const Hub& hub, store::Store* store, PasswordHasher& hasher,
                   oidc::SocialSignIn* social)
    : hub_(hub), store_(store), hasher_(hasher), social_(social) {}

std::vector<std::string> Accounts::provider_names() const {
  // Without a store there are no accounts to sign in to.
  return social_ && store_ ? social_->provider_names() : std::vector<std::string>{};
}

void Accounts::find_identity(const oidc::Identity& identity,
                             Reply<std::variant<std::optional<std::string>, Error>> done) {
  if (!store_) return done(Error::store_disabled);
  store_->find_identity(identity.issuer, identity.subject,
                        [this, done = std::move(done)](bool ok, std::optional<std::string> id) {
                          if (!ok) return done(Error::store_failed);
                          // An account removed since is no account to sign in to.
                          if (id && !hub_.is_registered(*id)) id.reset();
                          done(std::move(id));
                        });
}

void Accounts::link_identity(const oidc::Identity& identity, const std::string& account_id,
                             Reply<std::optional<Error>> done) {
  if (!store_) return done(Error::store_disabled);
  store_->link_identity(identity.issuer, identity.subject, account_id,
                        [account_id, done = std::move(done)](bool ok, std::string linked_to) {
                          if (!ok) return done(Error::store_failed);
                          if (linked_to != account_id) return done(Error::identity_linked);
                          done(std::nullopt);
                        });
}

bool Accounts::begin_sign_up(const oidc::Identity& identity) {
  return signing_up_.emplace(identity.issuer, identity.subject).second;
}

void Accounts::end_sign_up(const oidc::Identity& identity) {
  signing_up_.erase({identity.issuer, identity.subject});
}

void Accounts::set_first_password(const std::string& account_id, std::string password,
                                  Reply<std::optional<Error>> done) {
  if (!store_) return done(Error::store_disabled);
  store_->password_hash(
      account_id, [this, account_id, password = std::move(password), done = std::move(done)](
                      bool ok, std::optional<std::string> current) mutable {
        if (!ok) return done(Error::store_failed);
        if (!current || !current->empty()) return done(Error::already_registered);
        hash_password(std::move(password), [this, account_id, done = std::move(done)](
                                               std::variant<std::string, Error> hash) {
          if (const auto* error = std::get_if<Error>(&hash)) return done(*error);
          store_->set_password_hash(
              account_id, std::move(std::get<std::string>(hash)), [done](bool stored) {
                done(stored ? std::nullopt : std::optional<Error>(Error::store_failed));
              });
        });
      });
}

void Accounts::verify_password(std::string_view nickname, std::string password,
                               const std::string& address, Reply<Verified> done) {
  if (!store_) return done(Error::store_disabled);
  const auto account_key = protocol::fold_case(nickname);
  const auto address_key = address;
  const auto now = LoginThrottle::Clock::now();
  if (by_account_.blocked(account_key, now) || by_address_.blocked(address_key, now)) {
    return done(Error::login_throttled);
  }
  const auto account_id = hub_.account_id(nickname);
  auto check = [this, account_id, account_key, address_key, password = std::move(password),
                done = std::move(done)](std::optional<std::string> hash) mutable {
    // An account made by a social sign-in has no password ('') until it sets one: no password
    // opens it, in the time any wrong one takes.
    if (hash && hash->empty()) hash.reset();
    hasher_.verify(std::move(hash), std::move(password),
                   [this, account_id, account_key, address_key, done](bool matches) {
                     const auto when = LoginThrottle::Clock::now();
                     if (!matches) {
                       by_account_.failed(account_key, when);
                       by_address_.failed(address_key, when);
                       return done(Error::login_failed);
                     }
                     by_account_.succeeded(account_key);
                     done(*account_id);
                   });
  };
  // An unknown nickname costs a hash all the same: timing must not tell who is registered.
  if (!account_id) return check(std::nullopt);
  store_->password_hash(*account_id,
                        [check = std::move(check)](bool, std::optional<std::string> hash) mutable {
                          check(std::move(hash));
                        });
}

void Accounts::verify_token(const std::string& token, Reply<Verified> done) {
  if (!store_) return done(Error::store_disabled);
  store_->find_session(session_token_hash(token),
                       [this, done = std::move(done)](bool ok, std::optional<std::string> id) {
                         if (!ok) return done(Error::store_failed);
                         // The account may have been renamed or removed since: ask the hub.
                         if (!id || !hub_.is_registered(*id)) return done(Error::token_invalid);
                         done(std::move(*id));
                       });
}

void Accounts::issue_token(const std::string& account_id,
                           Reply<std::variant<std::string, Error>> done) {
  auto token = new_session_token();
  store_->save_session(session_token_hash(token), account_id,
                       std::chrono::system_clock::now() + session_lifetime,
                       [token, done = std::move(done)](bool ok) {
                         if (!ok) return done(Error::store_failed);
                         done(token);
                       });
}

void Accounts::revoke_token(const std::string& token) {
  if (store_) store_->delete_session(session_token_hash(token), {});
}

void Accounts::hash_password(std::string password, Reply<std::variant<std::string, Error>> done) {
  if (!store_) return done(Error::store_disabled);
  hasher_.hash(std::move(password), [done = std::move(done)](std::optional<std::string> hash) {
    if (!hash) return done(Error::store_failed);
    done(std::move(*hash));
  });
}

void Accounts::change_password(const std::string& account_id, std::string current, std::string next,
                               const std::string& keep_token, Reply<std::optional<Error>> done) {
  verify_password(hub_.nickname(account_id), std::move(current), "account:" + account_id,
                  [this, account_id, next = std::move(next), keep = session_token_hash(keep_token),
                   done = std::move(done)](Verified verified) mutable {
                    if (const auto* error = std::get_if<Error>(&verified)) return done(*error);
                    hash_password(std::move(next), [this, account_id, keep, done = std::move(done)](
                                                       std::variant<std::string, Error> hash) {
                      if (const auto* error = std::get_if<Error>(&hash)) return done(*error);
                      store_->set_password_hash(
                          account_id, std::move(std::get<std::string>(hash)),
                          [this, account_id, keep, done](bool stored) {
                            if (!stored) return done(Error::store_failed);
                            store_->delete_other_sessions(account_id, keep, [done](bool ok) {
                              done(ok ? std::nullopt : std::optional<Error>(Error::store_failed));
                            });
                          });
                    });
                  });
}

}  // namespace chat
