#pragma once

#include <string>
#include <vector>

#include "chatd/oidc/provider.hpp"

namespace chat::oidc {

struct SignInConfig {
  std::vector<ProviderConfig> providers;
  // The addresses the provider may send the browser back to (the web app's); empty: any the
  // provider accepts (it checks its registered list anyway).
  std::vector<std::string> redirect_uris;
};

// Reads the sign-in providers from a JSON file (--oidc-config; docs/operations.md):
//   {"providers": [{"name": "GitLab", "issuer": "https://gitlab.com",
//                   "client_id": "...", "client_secret": "..."}],
//    "redirect_uris": ["https://chat.example.org/"]}
// A file, not flags, so that secrets stay out of the process list. Throws std::runtime_error
// saying what is wrong.
SignInConfig load_sign_in_config(const std::string& path);

}  // namespace chat::oidc
