#pragma once

#include <asio/ip/address.hpp>
#include <asio/ip/network_v4.hpp>
#include <asio/ip/network_v6.hpp>
#include <cstddef>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace chat {

// Who may connect, and for how long without logging in. A client past these limits is closed
// before it costs more than a socket.
struct Admission {
  std::size_t max_connections = 20000;  // per listener
  std::size_t max_per_address = 64;     // untrusted addresses only
  // Proxies (wsproxy) that many users share an address through: exempt from the per-address
  // cap, and believed when their first line says whose connection it is ("PROXY <address>").
  std::vector<std::variant<asio::ip::network_v4, asio::ip::network_v6>> trusted_proxies;
  // Only the trusted proxies may connect: a node that serves browsers only (--node-kind web).
  bool proxies_only = false;

  bool trusts(const asio::ip::address& address) const;
};

// "10.0.0.0/8", "::1/128", or a bare address (one host); nullopt when it is none of those.
std::optional<std::variant<asio::ip::network_v4, asio::ip::network_v6>> parse_network(
    std::string_view text);

}  // namespace chat
