#include "chatd/net/admission.hpp"

#include <string>

namespace chat {

bool Admission::trusts(const asio::ip::address& address) const {
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  const auto plain =
      address.is_v6() && address.to_v6().is_v4_mapped()
          ? asio::ip::address(asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()))
          : address;
  for (const auto& network : trusted_proxies) {
    if (const auto* v4 = std::get_if<asio::ip::network_v4>(&network)) {
      if (plain.is_v4() &&
          asio::ip::network_v4(plain.to_v4(), v4->prefix_length()).network() == v4->network()) {
        return true;
      }
    } else {
      const auto& v6 = std::get<asio::ip::network_v6>(network);
      if (plain.is_v6() &&
          asio::ip::network_v6(plain.to_v6(), v6.prefix_length()).network() == v6.network()) {
        return true;
      }
    }
  }
  return false;
}

std::optional<std::variant<asio::ip::network_v4, asio::ip::network_v6>> parse_network(
    std::string_view text) {
  const std::string spelled(text);
  asio::error_code error;
  if (spelled.find('/') == std::string::npos) {
    const auto address = asio::ip::make_address(spelled, error);
    if (error) return std::nullopt;
    if (address.is_v4()) return asio::ip::network_v4(address.to_v4(), 32);
    return asio::ip::network_v6(address.to_v6(), 128);
  }
  if (const auto v4 = asio::ip::make_network_v4(spelled, error); !error) return v4;
  if (const auto v6 = asio::ip::make_network_v6(spelled, error); !error) return v6;
  return std::nullopt;
}

}  // namespace chat
