#include "wsproxy/options.hpp"

#include <fmt/format.h>

#include <string_view>

#include "protocol/decimal.hpp"

namespace chat::wsproxy {

std::string usage() {
  return "Usage: wsproxy [--bind ADDRESS] [--port PORT] [--upstream HOST:PORT] [--webroot DIR]\n"
         "               [--allow-origin ORIGIN ...] [--heartbeat SECONDS] [--max-per-address N]\n"
         "               [--tls-cert FILE --tls-key FILE] [--upstream-tls [--upstream-ca FILE]]\n"
         "\n"
         "  --bind ADDRESS       address to listen on (default 0.0.0.0)\n"
         "  --port PORT          HTTP and WebSocket port, 0 for any free port (default 8000)\n"
         "  --upstream HOST:PORT chatd to connect each WebSocket to (default 127.0.0.1:8080)\n"
         "  --webroot DIR        directory of the web app's files (default ./webapp)\n"
         "  --allow-origin ORIGIN a web page origin (https://chat.example) that may open\n"
         "                       WebSockets besides pages of this host; * for any (repeatable)\n"
         "  --heartbeat SECONDS  PING chatd this often on each WebSocket's connection; one\n"
         "                       unanswered as long gives the browser an error (default 15)\n"
         "  --max-per-address N  WebSockets from one browser address (default 64)\n"
         "  --tls-cert FILE      serve HTTPS and WSS with this certificate chain (PEM, leaf\n"
         "                       first); with --tls-key FILE, its private key (PEM)\n"
         "  --upstream-tls       reach chatd over TLS (point --upstream at its --tls-port)\n"
         "  --upstream-ca FILE   authority (PEM) that chatd's certificate must be signed by\n"
         "                       (default: the system's); the name checked is --upstream's HOST\n"
         "  --help               show this help\n";
}

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return ShowHelp{};
    if (flag == "--upstream-tls") {
      options.upstream_tls = true;
      continue;
    }
    if (i + 1 >= argc)
      return OptionsError{fmt::format("unknown option or missing value: {}", flag)};
    const std::string_view value = argv[++i];
    if (flag == "--bind") {
      options.bind_address = value;
    } else if (flag == "--port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid port: {}", value)};
      options.port = *port;
    } else if (flag == "--upstream") {
      const auto colon = value.rfind(':');
      if (colon == std::string_view::npos || colon == 0 ||
          !protocol::parse_decimal<std::uint16_t>(value.substr(colon + 1), 1, 65535)) {
        return OptionsError{fmt::format("invalid --upstream, expected HOST:PORT: {}", value)};
      }
      options.upstream = {std::string(value.substr(0, colon)), std::string(value.substr(colon + 1)),
                          nullptr};
    } else if (flag == "--tls-cert" || flag == "--tls-key" || flag == "--upstream-ca") {
      if (value.empty()) return OptionsError{fmt::format("{} needs a file", flag)};
      (flag == "--tls-cert"  ? options.tls_certificate_chain
       : flag == "--tls-key" ? options.tls_private_key
                             : options.upstream_ca) = value;
    } else if (flag == "--webroot") {
      options.webroot = value;
    } else if (flag == "--heartbeat") {
      const auto seconds = protocol::parse_decimal<unsigned>(value, 1, 3600);
      if (!seconds) return OptionsError{fmt::format("invalid --heartbeat: {}", value)};
      options.heartbeat = std::chrono::seconds(*seconds);
    } else if (flag == "--max-per-address") {
      const auto count = protocol::parse_decimal<std::size_t>(value, 1, 1'000'000);
      if (!count) return OptionsError{fmt::format("invalid --max-per-address: {}", value)};
      options.max_per_address = *count;
    } else if (flag == "--allow-origin") {
      if (value != "*" && value.find("://") == std::string_view::npos) {
        return OptionsError{
            fmt::format("invalid --allow-origin, expected SCHEME://HOST[:PORT] or *: {}", value)};
      }
      options.allowed_origins.emplace_back(value);
    } else {
      return OptionsError{fmt::format("unknown option: {}", flag)};
    }
  }
  if (options.tls_certificate_chain.empty() != options.tls_private_key.empty()) {
    return OptionsError{"TLS needs both --tls-cert and --tls-key"};
  }
  if (!options.upstream_ca.empty() && !options.upstream_tls) {
    return OptionsError{"--upstream-ca needs --upstream-tls"};
  }
  return options;
}

}  // namespace chat::wsproxy
