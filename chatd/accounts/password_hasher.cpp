#include "chatd/accounts/password_hasher.hpp"

#include <sodium.h>

#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <new>
#include <stdexcept>
#include <utility>

namespace chat {
namespace {

std::optional<std::string> hash_now(const std::string& password) noexcept {
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(encoded, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::nullopt;
  }
  try {
    return std::string(encoded);
  } catch (const std::bad_alloc&) {
    return std::nullopt;  // out of memory: a failed hash, not a dead process
  }
}

}  // namespace

PasswordHasher::PasswordHasher(asio::any_io_executor executor) : executor_(std::move(executor)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  auto dummy = hash_now("not a password of anyone");
  if (!dummy) throw std::runtime_error("cannot hash passwords: out of memory");
  dummy_hash_ = std::move(*dummy);
}

PasswordHasher::~PasswordHasher() { pool_.join(); }

void PasswordHasher::hash(std::string password,
                          std::function<void(std::optional<std::string>)> done) {
  asio::post(pool_,
             [this, password = std::move(password), done = std::move(done),
              work = asio::prefer(executor_, asio::execution::outstanding_work.tracked)]() mutable {
               auto result = hash_now(password);
               sodium_memzero(password.data(), password.size());
               asio::post(work, [done, result = std::move(result)] { done(result); });
             });
}

void PasswordHasher::verify(std::optional<std::string> hash, std::string password,
                            std::function<void(bool)> done) {
  asio::post(pool_,
             [this, hash = std::move(hash), password = std::move(password), done = std::move(done),
              work = asio::prefer(executor_, asio::execution::outstanding_work.tracked)]() mutable {
               const auto& encoded = hash ? *hash : dummy_hash_;
               const bool matches =
                   crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
               sodium_memzero(password.data(), password.size());
               asio::post(work, [done, ok = matches && hash.has_value()] { done(ok); });
             });
}

}  // namespace chat
