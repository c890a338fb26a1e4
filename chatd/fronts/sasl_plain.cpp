#include "chatd/fronts/sasl_plain.hpp"

#include <sodium.h>

#include <vector>

namespace chat {

std::optional<SaslPlain> decode_sasl_plain(std::string_view base64) {
  std::vector<unsigned char> bytes(base64.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), base64.data(), base64.size(), nullptr, &length,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != base64.data() + base64.size()) {
    return std::nullopt;
  }
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), length);
  const auto first = text.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('\0', first + 1);
  if (second == std::string_view::npos || text.find('\0', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  SaslPlain plain{std::string(text.substr(0, first)),
                  std::string(text.substr(first + 1, second - first - 1)),
                  std::string(text.substr(second + 1))};
  if (plain.authentication.empty()) return std::nullopt;
  return plain;
}

}  // namespace chat
