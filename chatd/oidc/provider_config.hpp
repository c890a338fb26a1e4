#pragma once

#include <string>
#include <vector>

#include "chatd/oidc/provider.hpp"

namespace chat::oidc {

// Reads the sign-in providers from a JSON file (--oidc-config; docs/operations.md):
//   {"providers": [{"name": "GitLab", "issuer": "https://gitlab.com",
//                   "client_id": "...", "client_secret": "..."}]}
// A file, not flags, so that secrets stay out of the process list. Throws std::runtime_error
// saying what is wrong.
std::vector<ProviderConfig> load_provider_config(const std::string& path);

}  // namespace chat::oidc
