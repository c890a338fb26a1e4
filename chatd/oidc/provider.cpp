#include "chatd/oidc/provider.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "chatd/oidc/json_fields.hpp"

namespace chat::oidc {
namespace {

using Json = nlohmann::json;

bool lists(const Json& object, const char* name, std::string_view value) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_array()) return false;
  for (const auto& entry : *it) {
    if (entry.is_string() && entry == value) return true;
  }
  return false;
}

// The body of a successful answer; otherwise nullopt, and `why` says why.
std::optional<std::string> body_of(HttpResult result, std::string& why) {
  if (auto* failure = std::get_if<HttpFailure>(&result)) {
    why = std::move(failure->reason);
    return std::nullopt;
  }
  auto& response = std::get<HttpResponse>(result);
  if (response.status != 200) {
    why = fmt::format("HTTP status {}", response.status);
    return std::nullopt;
  }
  return std::move(response.body);
}

}  // namespace

bool is_acceptable_endpoint(const std::string& url) {
  // Printable ASCII only: the URL goes into a protocol line (AUTHORIZE's answer) and to libcurl.
  for (const char c : url) {
    if (c <= ' ' || c > '~') return false;
  }
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return false;
  const auto authority_start = url.find("//") + 2;
  const auto authority = std::string_view(url).substr(
      authority_start, url.find_first_of("/?#", authority_start) - authority_start);
  // No user information ("http://localhost:@evil.example/" is evil.example's).
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  if (https) return true;
  // Plain HTTP only to this machine: the host exactly, then an optional port.
  for (const std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (!authority.starts_with(host)) continue;
    const auto port = authority.substr(host.size());
    if (port.empty()) return true;
    return port.size() > 1 && port.front() == ':' &&
           port.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
  }
  return false;
}

Provider::Provider(ProviderConfig config, HttpClient& http)
    : config_(std::move(config)), http_(http) {}

void Provider::log_failure(const std::string& what, const std::string& why) const {
  fmt::print(stderr, "chatd: sign-in provider {}: {}: {}\n", config_.name, what, why);
}

void Provider::metadata(std::function<void(const Metadata*)> done) {
  if (metadata_ && std::chrono::steady_clock::now() < metadata_expires_) return done(&*metadata_);
  waiting_for_metadata_.push_back(std::move(done));
  if (waiting_for_metadata_.size() == 1) fetch_metadata();
}

void Provider::fetch_metadata() {
  auto issuer = config_.issuer;
  if (issuer.ends_with('/')) issuer.pop_back();
  http_.fetch(
      {issuer + "/.well-known/openid-configuration", {}, {}, {}, {}}, [this](HttpResult result) {
        std::string why;
        const auto body = body_of(std::move(result), why);
        std::optional<Metadata> fetched;
        if (body) {
          const auto document = Json::parse(*body, nullptr, false);
          Metadata metadata;
          if (document.is_object()) {
            metadata.authorization_endpoint = string_member(document, "authorization_endpoint");
            metadata.token_endpoint = string_member(document, "token_endpoint");
            metadata.jwks_uri = string_member(document, "jwks_uri");
            metadata.userinfo_endpoint = string_member(document, "userinfo_endpoint");
            metadata.secret_in_body =
                !lists(document, "token_endpoint_auth_methods_supported", "client_secret_basic") &&
                lists(document, "token_endpoint_auth_methods_supported", "client_secret_post");
          }
          // Discovery 4.3: the document must be the issuer's own.
          if (!document.is_object() || string_member(document, "issuer") != config_.issuer) {
            log_failure("discovery", "the document names another issuer");
          } else if (!is_acceptable_endpoint(metadata.authorization_endpoint) ||
                     !is_acceptable_endpoint(metadata.token_endpoint) ||
                     !is_acceptable_endpoint(metadata.jwks_uri) ||
                     !(metadata.userinfo_endpoint.empty() ||
                       is_acceptable_endpoint(metadata.userinfo_endpoint))) {
            log_failure("discovery", "an endpoint is missing or not HTTPS");
          } else {
            fetched = std::move(metadata);
          }
        } else {
          log_failure("discovery", why);
        }
        if (fetched) {
          metadata_ = std::move(fetched);
          metadata_expires_ = std::chrono::steady_clock::now() + metadata_lifetime;
        }
        // A failure keeps an older document, if any: a provider briefly down is no
        // reason to forget where it lives.
        const Metadata* answer = metadata_ ? &*metadata_ : nullptr;
        for (auto& done : std::exchange(waiting_for_metadata_, {})) done(answer);
      });
}

void Provider::keys(bool refresh, std::function<void(const SigningKeys*)> done) {
  // Cached for a day as the discovery document is, so that a key the provider withdrew stops
  // being trusted within one.
  const bool fresh = keys_ && std::chrono::steady_clock::now() < keys_expire_;
  if (fresh && !refresh) return done(&*keys_);
  waiting_for_keys_.push_back(std::move(done));
  if (waiting_for_keys_.size() == 1) fetch_keys();
}

void Provider::fetch_keys() {
  metadata([this](const Metadata* metadata) {
    if (!metadata) {
      for (auto& done : std::exchange(waiting_for_keys_, {})) done(nullptr);
      return;
    }
    http_.fetch({metadata->jwks_uri, {}, {}, {}, {}}, [this](HttpResult result) {
      std::string why;
      const auto body = body_of(std::move(result), why);
      if (body) {
        auto parsed = SigningKeys::parse(*body);
        if (auto* keys = std::get_if<SigningKeys>(&parsed)) {
          keys_ = std::move(*keys);
          keys_expire_ = std::chrono::steady_clock::now() + metadata_lifetime;
        } else {
          log_failure("keys", std::get<std::string>(parsed));
        }
      } else {
        log_failure("keys", why);
      }
      const SigningKeys* answer = keys_ ? &*keys_ : nullptr;
      for (auto& done : std::exchange(waiting_for_keys_, {})) done(answer);
    });
  });
}

}  // namespace chat::oidc
