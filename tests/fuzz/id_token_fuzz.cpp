// ID tokens and key sets on arbitrary input, as a provider (or whoever answers in its place)
// could send them: decoding and verifying never crash, and nothing unverified is accepted.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "chatd/oidc/id_token.hpp"
#include "chatd/oidc/signing_keys.hpp"
#include "tests/fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chat::oidc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The same bytes as a key set, and as a token checked against it: a token can only verify
  // with a key, and no input here is signed by one.
  const auto keys = SigningKeys::parse(text);
  const auto decoded = decode_token(text);
  if (const auto* token = std::get_if<DecodedToken>(&decoded)) {
    require(token->algorithm == "RS256" || token->algorithm == "ES256",
            "only RS256 and ES256 tokens get past decoding");
    if (const auto* set = std::get_if<SigningKeys>(&keys)) {
      const auto verified = verify_token(
          *token, *set, {"https://id.example", "client", "nonce", std::chrono::system_clock::now()});
      require(std::holds_alternative<TokenError>(verified), "an unsigned input never verifies");
    }
  }
  return 0;
}
