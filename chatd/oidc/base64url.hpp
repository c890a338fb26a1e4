#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chat::oidc {

// Base64url without padding (RFC 7515 section 2), as JOSE and PKCE spell binary data.
std::string base64url_encode(std::string_view bytes);
// nullopt when the text is not base64url without padding.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace chat::oidc
