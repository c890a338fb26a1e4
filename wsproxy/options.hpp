#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "wsproxy/bridge.hpp"

namespace chat::wsproxy {

struct Options {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8000;
  Upstream upstream{"127.0.0.1", "8080", nullptr};
  // TLS to chatd (its --tls-port), verified against this CA file, or the system's if empty.
  bool upstream_tls = false;
  std::string upstream_ca;
  // HTTPS and WSS instead of HTTP and WS, with this certificate chain and key (PEM).
  std::string tls_certificate_chain;
  std::string tls_private_key;
  std::string webroot = "webapp";
  // Origins allowed besides the page's own host (origin_policy.hpp); "*": any.
  std::vector<std::string> allowed_origins;
  // How often each bridge PINGs chatd; one unanswered for as long fails it.
  std::chrono::seconds heartbeat{15};
  std::size_t max_per_address = 64;  // WebSockets from one browser address
};

struct ShowHelp {};
struct OptionsError {
  std::string message;
};

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv);
std::string usage();

}  // namespace chat::wsproxy
