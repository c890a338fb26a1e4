#include "chatd/oidc/provider_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "protocol/names.hpp"

namespace chat::oidc {

SignInConfig load_sign_in_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  const auto document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  const auto fail = [&path](const std::string& why) {
    return std::runtime_error(path + ": " + why);
  };
  if (!document.is_object() || !document.contains("providers") || !document["providers"].is_array())
    throw fail("expected {\"providers\": [...]}");
  std::vector<ProviderConfig> providers;
  for (const auto& entry : document["providers"]) {
    const auto field = [&](const char* name, bool required) {
      const auto it = entry.find(name);
      if (it != entry.end() && it->is_string() && !it->get<std::string>().empty())
        return it->get<std::string>();
      if (required) throw fail(std::string("a provider needs a string \"") + name + "\"");
      return std::string();
    };
    if (!entry.is_object()) throw fail("a provider must be an object");
    ProviderConfig config{field("name", true), field("issuer", true), field("client_id", true),
                          field("client_secret", false)};
    if (!protocol::is_provider_name(config.name))
      throw fail("provider name \"" + config.name + "\": 1 to 32 of A-Z a-z 0-9 _ -");
    if (!is_acceptable_endpoint(config.issuer))
      throw fail("issuer " + config.issuer + ": must be https:// (or http:// on this machine)");
    for (const auto& other : providers) {
      if (other.name == config.name) throw fail("two providers named " + config.name);
    }
    providers.push_back(std::move(config));
  }
  SignInConfig config{std::move(providers), {}};
  if (const auto uris = document.find("redirect_uris"); uris != document.end()) {
    if (!uris->is_array()) throw fail("\"redirect_uris\" must be a list of URLs");
    for (const auto& uri : *uris) {
      if (!uri.is_string() || !(uri.get<std::string>().starts_with("https://") ||
                                uri.get<std::string>().starts_with("http://")))
        throw fail("\"redirect_uris\" must be a list of http(s) URLs");
      config.redirect_uris.push_back(uri.get<std::string>());
    }
  }
  return config;
}

}  // namespace chat::oidc
