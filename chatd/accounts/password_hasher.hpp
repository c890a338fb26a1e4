#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/thread_pool.hpp>
#include <functional>
#include <optional>
#include <string>

namespace chat {

// argon2id password hashing (libsodium's crypto_pwhash_str). Each hash takes tens of
// milliseconds and 64 MiB by design, so it runs on a thread of its own, never on the event loop;
// results come back on the loop through `executor`.
class PasswordHasher {
 public:
  explicit PasswordHasher(asio::any_io_executor executor);
  ~PasswordHasher();

  // The encoded hash (algorithm, parameters and salt included), or nullopt when out of memory.
  void hash(std::string password, std::function<void(std::optional<std::string>)> done);
  // Whether the password matches; a hash of nullopt (no such account) is verified against a
  // dummy hash all the same, so that timing does not tell which nicknames are registered.
  void verify(std::optional<std::string> hash, std::string password,
              std::function<void(bool)> done);

 private:
  asio::any_io_executor executor_;
  std::string dummy_hash_;
  asio::thread_pool pool_{1};
};

}  // namespace chat
