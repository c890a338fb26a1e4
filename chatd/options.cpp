#include "chatd/options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "protocol/decimal.hpp"

namespace chat {
namespace {

// "CLASS=RATE/BURST", e.g. "message=10/50": a steady RATE a second after a BURST.
bool parse_flood(std::string_view value, FloodLimits& limits) {
  const auto equals = value.find('=');
  const auto slash = value.find('/');
  if (equals == std::string_view::npos || slash == std::string_view::npos || slash < equals) {
    return false;
  }
  const auto kind = parse_command_class(value.substr(0, equals));
  if (!kind) return false;
  const auto number = [](std::string_view text, double& out) {
    const auto end = text.data() + text.size();
    const auto [last, error] = std::from_chars(text.data(), end, out);
    return error == std::errc() && last == end && out >= 0.01 && out <= 1e6;
  };
  Rate rate;
  if (!number(value.substr(equals + 1, slash - equals - 1), rate.per_second)) return false;
  if (!number(value.substr(slash + 1), rate.burst) || rate.burst < 1) return false;
  limits.rates[static_cast<std::size_t>(*kind)] = rate;
  return true;
}

}  // namespace

Admission loopback_trusted() {
  Admission admission;
  admission.trusted_proxies = {*parse_network("127.0.0.1"), *parse_network("::1")};
  return admission;
}

std::string usage() {
  return "Usage: chatd [--bind ADDRESS] [--port PORT] [--irc-port PORT | --no-irc]\n"
         "             [--db PATH|URI | --no-store] [--max-line BYTES] [--max-sendq BYTES]\n"
         "             [--max-output-memory BYTES]\n"
         "             [--max-rooms N] [--max-rooms-per-user N] [--idle-timeout SECONDS]\n"
         "             [--flood CLASS=RATE/BURST ... | --no-flood-control]\n"
         "             [--max-connections N] [--max-per-address N] [--login-timeout SECONDS]\n"
         "             [--send-timeout SECONDS]\n"
         "             [--tls-cert FILE --tls-key FILE [--tls-port PORT] [--irc-tls-port PORT]]\n"
         "             [--trusted-proxy ADDRESS[/BITS] ... | --trusted-proxy none]\n"
         "             [--oidc-config FILE]\n"
         "             [--cluster redis://HOST[:PORT] [--node-name NAME] [--node-address "
         "HOST:PORT]\n"
         "              [--node-kind full|console|web]]\n"
         "\n"
         "  --irc-port PORT    IRC listener for standard IRC clients, 0 for any free port\n"
         "                     (default 6667)\n"
         "  --no-irc           no IRC listener\n"
         "  --irc-presence-limit N\n"
         "                     IRC clients connecting while N users or more are online see\n"
         "                     &everyone without joins and quits (default 1000)\n"
         "  --db PATH          SQLite database of accounts, rooms and history, created if missing\n"
         "                     (default chatd.db in the working directory; :memory: for one that\n"
         "                     lasts as long as the process); or a PostgreSQL database:\n"
         "                     --db postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n"
         "  --no-store         keep nothing: no accounts or history, rooms live in memory only\n"
         "  --bind ADDRESS     address to listen on (default 0.0.0.0)\n"
         "  --port PORT        TCP port to listen on, 0 for any free port (default 8080)\n"
         "  --max-line BYTES   longest accepted command line (default 8192)\n"
         "  --max-sendq BYTES  unsent output after which a client is dropped (default 1048576);\n"
         "                     at least 4 times --max-line\n"
         "  --max-output-memory BYTES  unsent output of all clients together; past it, a client\n"
         "                     holding more than its share (this divided by the connections)\n"
         "                     whose output has not moved for a second is dropped\n"
         "                     (default 268435456, 256 MiB; at least 1 MiB)\n"
         "  --max-rooms N      rooms on the server (default 10000)\n"
         "  --max-rooms-per-user N  rooms one user may have created (default 100)\n"
         "  --idle-timeout SECONDS  an IRC client silent this long is sent a PING, and closed if\n"
         "                     silent as long again (default 120)\n"
         "  --flood CLASS=RATE/BURST  commands of a class one connection may send: BURST at once,\n"
         "                     then RATE a second; past that its input waits (repeatable).\n"
         "                     Classes and defaults: message=10/50 nickname=0.5/5\n"
         "                     membership=5/50 room=1/10 account=0.5/5 query=10/100 other=20/100\n"
         "  --no-flood-control no command rate limits (benchmarks)\n"
         "  --max-connections N  connections per listener (default 20000)\n"
         "  --max-per-address N  connections from one address, trusted proxies aside (default 64)\n"
         "  --send-timeout SECONDS  a client whose output has not moved for this long is\n"
         "                     closed (default 60)\n"
         "  --login-timeout SECONDS  a connection that has not logged in by then is closed\n"
         "                     (default 60; not one through a trusted proxy)\n"
         "  --trusted-proxy ADDRESS[/BITS]  a proxy (wsproxy) that may name its clients'\n"
         "                     addresses; repeatable; replaces the default, 127.0.0.1 and ::1;\n"
         "                     none: no proxy is trusted\n"
         "  --tls-cert FILE    certificate chain (PEM, leaf first) for TLS listeners beside the\n"
         "                     plain ones; with --tls-key FILE, its private key (PEM)\n"
         "  --tls-port PORT    TLS listener for the line protocol, 0 for any free port\n"
         "                     (default 8443; openssl s_client -connect HOST:PORT)\n"
         "  --irc-tls-port PORT  TLS listener for IRC clients, 0 for any free port (default 6697;\n"
         "                     none with --no-irc)\n"
         "  --oidc-config FILE sign-in providers (OpenID Connect) as JSON: {\"providers\": "
         "[{\"name\",\n"
         "                     \"issuer\", \"client_id\", \"client_secret\"}]} "
         "(docs/operations.md)\n"
         "  --cluster redis://HOST[:PORT]  join the chatd nodes that share this Redis (and the\n"
         "                     same --db postgresql://... database, or --no-store): rooms,\n"
         "                     users and messages span them (docs/operations.md)\n"
         "  --node-name NAME   this node's name in the cluster, letters, digits, '.', '_', '-'\n"
         "                     (default: the host name, '-' and the port)\n"
         "  --node-address HOST:PORT  where NODES says this node is (default: host name:port)\n"
         "  --node-kind KIND   what this node serves (NODES shows it): full (default: every\n"
         "                     client), console (TCP and IRC clients; no proxy is trusted) or\n"
         "                     web (only its --trusted-proxy wsproxy may connect; no IRC)\n"
         "  --help             show this help\n";
}

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv) {
  Options options;
  bool trusted_proxy_given = false;
  TlsOptions tls;
  bool tls_port_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return ShowHelp{};
    if (flag == "--no-store") {
      options.database.clear();
      continue;
    }
    if (flag == "--no-flood-control") {
      options.flood_limits.enabled = false;
      continue;
    }
    if (flag == "--no-irc") {
      options.irc_port.reset();
      continue;
    }
    if (i + 1 >= argc)
      return OptionsError{fmt::format("unknown option or missing value: {}", flag)};
    const std::string_view value = argv[++i];
    if (flag == "--bind") {
      options.bind_address = value;
    } else if (flag == "--irc-presence-limit") {
      const auto count = protocol::parse_decimal<std::size_t>(value, 0, 100'000'000);
      if (!count) return OptionsError{fmt::format("invalid --irc-presence-limit: {}", value)};
      options.irc_presence_limit = *count;
    } else if (flag == "--irc-port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid --irc-port: {}", value)};
      options.irc_port = *port;
    } else if (flag == "--tls-cert" || flag == "--tls-key") {
      if (value.empty()) return OptionsError{fmt::format("{} needs a file", flag)};
      (flag == "--tls-cert" ? tls.certificate_chain : tls.private_key) = value;
    } else if (flag == "--tls-port" || flag == "--irc-tls-port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid {}: {}", flag, value)};
      (flag == "--tls-port" ? tls.port : tls.irc_port) = *port;
      tls_port_given = true;
    } else if (flag == "--oidc-config") {
      if (value.empty()) return OptionsError{"--oidc-config needs a file"};
      options.oidc_config = value;
    } else if (flag == "--cluster") {
      constexpr std::string_view scheme = "redis://";
      auto rest = value.starts_with(scheme) ? value.substr(scheme.size()) : std::string_view();
      if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
      const auto colon = rest.rfind(':');
      auto host = rest.substr(0, colon);
      if (colon != std::string_view::npos) {
        const auto port = protocol::parse_decimal<std::uint16_t>(rest.substr(colon + 1), 1, 65535);
        if (!port) return OptionsError{fmt::format("invalid --cluster port: {}", value)};
        options.node.redis_port = *port;
      }
      if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      if (host.empty() || host.find_first_of("/@ ") != std::string_view::npos) {
        return OptionsError{fmt::format("invalid --cluster (redis://HOST[:PORT]): {}", value)};
      }
      options.node.redis_host = host;
    } else if (flag == "--node-name") {
      if (value.empty() || value.size() > 32 ||
          value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789._-") != std::string_view::npos) {
        return OptionsError{fmt::format("invalid --node-name: {}", value)};
      }
      options.node.name = value;
    } else if (flag == "--node-address") {
      if (value.empty() || value.size() > 255 ||
          value.find_first_of(", \t") != std::string_view::npos) {
        return OptionsError{fmt::format("invalid --node-address: {}", value)};
      }
      options.node.address = value;
    } else if (flag == "--node-kind") {
      if (value != "full" && value != "console" && value != "web") {
        return OptionsError{fmt::format("invalid --node-kind (full, console or web): {}", value)};
      }
      options.node.kind = value;
    } else if (flag == "--db") {
      if (value.empty()) return OptionsError{"--db needs a path"};
      options.database = value;
    } else if (flag == "--port") {
      const auto port = protocol::parse_decimal<std::uint16_t>(value, 0, 65535);
      if (!port) return OptionsError{fmt::format("invalid port: {}", value)};
      options.port = *port;
    } else if (flag == "--max-line") {
      const auto bytes = protocol::parse_decimal<std::size_t>(value, 64, 1 << 24);
      if (!bytes) return OptionsError{fmt::format("invalid --max-line: {}", value)};
      options.session_limits.max_line_length = *bytes;
    } else if (flag == "--max-sendq") {
      const auto bytes = protocol::parse_decimal<std::size_t>(value, 4096, std::size_t{1} << 32);
      if (!bytes) return OptionsError{fmt::format("invalid --max-sendq: {}", value)};
      options.session_limits.max_send_queue = *bytes;
    } else if (flag == "--max-output-memory") {
      const auto bytes =
          protocol::parse_decimal<std::size_t>(value, std::size_t{1} << 20, std::size_t{1} << 40);
      if (!bytes) return OptionsError{fmt::format("invalid --max-output-memory: {}", value)};
      options.max_output_memory = *bytes;
    } else if (flag == "--max-rooms" || flag == "--max-rooms-per-user") {
      const auto count = protocol::parse_decimal<std::size_t>(value, 1, 1'000'000);
      if (!count) return OptionsError{fmt::format("invalid {}: {}", flag, value)};
      (flag == "--max-rooms" ? options.hub_limits.max_rooms
                             : options.hub_limits.max_rooms_per_owner) = *count;
    } else if (flag == "--max-connections" || flag == "--max-per-address") {
      const auto count = protocol::parse_decimal<std::size_t>(value, 1, 10'000'000);
      if (!count) return OptionsError{fmt::format("invalid {}: {}", flag, value)};
      (flag == "--max-connections" ? options.admission.max_connections
                                   : options.admission.max_per_address) = *count;
    } else if (flag == "--send-timeout") {
      const auto seconds = protocol::parse_decimal<unsigned>(value, 1, 86400);
      if (!seconds) return OptionsError{fmt::format("invalid --send-timeout: {}", value)};
      options.session_limits.send_timeout = std::chrono::seconds(*seconds);
    } else if (flag == "--login-timeout") {
      const auto seconds = protocol::parse_decimal<unsigned>(value, 1, 86400);
      if (!seconds) return OptionsError{fmt::format("invalid --login-timeout: {}", value)};
      options.session_limits.login_timeout = std::chrono::seconds(*seconds);
    } else if (flag == "--trusted-proxy") {
      if (!std::exchange(trusted_proxy_given, true)) options.admission.trusted_proxies.clear();
      if (value == "none") continue;
      const auto network = parse_network(value);
      if (!network) return OptionsError{fmt::format("invalid --trusted-proxy: {}", value)};
      options.admission.trusted_proxies.push_back(*network);
    } else if (flag == "--idle-timeout") {
      const auto seconds = protocol::parse_decimal<unsigned>(value, 1, 86400);
      if (!seconds) return OptionsError{fmt::format("invalid --idle-timeout: {}", value)};
      options.session_limits.idle_timeout = std::chrono::seconds(*seconds);
    } else if (flag == "--flood") {
      if (!parse_flood(value, options.flood_limits)) {
        return OptionsError{fmt::format("invalid --flood (CLASS=RATE/BURST): {}", value)};
      }
    } else {
      return OptionsError{fmt::format("unknown option: {}", flag)};
    }
  }
  if (tls.certificate_chain.empty() != tls.private_key.empty()) {
    return OptionsError{"TLS needs both --tls-cert and --tls-key"};
  }
  if (!tls.certificate_chain.empty()) {
    options.tls = tls;
  } else if (tls_port_given) {
    return OptionsError{"a TLS port needs --tls-cert and --tls-key"};
  }
  // Seed 004's server kinds: a web node takes only its proxies' connections (no IRC); a console
  // node believes no proxy, so a wsproxy in front of it gets nowhere.
  if (options.node.kind == "web") {
    if (options.admission.trusted_proxies.empty()) {
      return OptionsError{"--node-kind web needs a --trusted-proxy: its wsproxy"};
    }
    options.admission.proxies_only = true;
    options.irc_port.reset();
  } else if (options.node.kind == "console") {
    if (trusted_proxy_given && !options.admission.trusted_proxies.empty()) {
      return OptionsError{"--node-kind console trusts no proxy: leave out --trusted-proxy"};
    }
    options.admission.trusted_proxies.clear();
  }
  // The nodes share one database, or keep nothing at all (a cluster of guests, for tests).
  if (!options.node.redis_host.empty() && !options.database.empty() &&
      !options.database.starts_with("postgres")) {
    return OptionsError{"--cluster needs --db postgresql://... or --no-store"};
  }
  // A message line fanned out must fit a recipient's send queue with room to spare.
  const auto& limits = options.session_limits;
  if (limits.max_send_queue < 4 * limits.max_line_length) {
    return OptionsError{"--max-sendq must be at least 4 times --max-line"};
  }
  return options;
}

}  // namespace chat
