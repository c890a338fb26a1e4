#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chatd/oidc/http_client.hpp"
#include "chatd/oidc/signing_keys.hpp"

namespace chat::oidc {

// One OpenID provider as the operator configured it.
struct ProviderConfig {
  std::string name;    // shown to users: "Sign in with <name>"
  std::string issuer;  // exactly as the provider's ID tokens say it
  std::string client_id;
  std::string client_secret;  // empty: a public client (PKCE alone)
};

// The parts of the discovery document (OpenID Connect Discovery 1.0) that chatd uses.
struct Metadata {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string userinfo_endpoint;  // may be empty
  bool secret_in_body = false;    // client_secret_post rather than client_secret_basic
};

// A provider's discovery document and keys, fetched when first needed and cached for a day;
// the keys also whenever a token names one that is not among them (the provider rotated its
// keys). Concurrent askers share one fetch; a failed fetch keeps what was cached.
class Provider {
 public:
  static constexpr auto metadata_lifetime = std::chrono::hours(24);

  Provider(ProviderConfig config, HttpClient& http);

  const ProviderConfig& config() const { return config_; }
  // nullptr when the provider could not be reached or answered nonsense.
  void metadata(std::function<void(const Metadata*)> done);
  // `refresh`: fetch them again even when cached (a token named a key not among them).
  void keys(bool refresh, std::function<void(const SigningKeys*)> done);

 private:
  void fetch_metadata();
  void fetch_keys();
  void log_failure(const std::string& what, const std::string& why) const;

  ProviderConfig config_;
  HttpClient& http_;
  std::optional<Metadata> metadata_;
  std::chrono::steady_clock::time_point metadata_expires_{};
  std::vector<std::function<void(const Metadata*)>> waiting_for_metadata_;
  std::optional<SigningKeys> keys_;
  std::chrono::steady_clock::time_point keys_expire_{};
  std::vector<std::function<void(const SigningKeys*)>> waiting_for_keys_;
};

// Whether a URL may be used to talk to a provider: HTTPS, or HTTP to this machine (a
// provider under test, or one behind a local TLS terminator).
bool is_acceptable_endpoint(const std::string& url);

}  // namespace chat::oidc
