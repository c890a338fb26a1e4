#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "chatd/hub/flood_control.hpp"
#include "chatd/hub/hub_limits.hpp"
#include "chatd/net/admission.hpp"
#include "chatd/net/session_limits.hpp"

namespace chat {

// By default the proxies on this host (wsproxy beside chatd) are trusted.
Admission loopback_trusted();

// TLS listeners beside the plain ones, with one certificate for both.
struct TlsOptions {
  std::string certificate_chain;  // PEM, leaf first
  std::string private_key;        // PEM
  std::uint16_t port = 8443;
  std::uint16_t irc_port = 6697;  // the IRC TLS port of RFC 7194; only with an IRC listener
};

// This node in a cluster (and what NODES says of it alone).
struct NodeOptions {
  std::string redis_host;  // empty: no cluster
  std::uint16_t redis_port = 6379;
  std::string name;     // empty: the host name and the port
  std::string address;  // empty: the host name and the port
  std::string kind = "full";
};

struct Options {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8080;                     // seed 002
  std::optional<std::uint16_t> irc_port = 6667;  // nullopt: no IRC listener (--no-irc)
  std::optional<TlsOptions> tls;                 // nullopt: no TLS listeners (no --tls-cert)
  SessionLimits session_limits;
  // Unsent output of all clients together (OutputBudget).
  std::size_t max_output_memory = std::size_t{256} << 20;
  HubLimits hub_limits;
  FloodLimits flood_limits;
  // IRC clients that connect while this many users are online see &everyone as an auditorium:
  // nobody's joins and quits, only themselves in NAMES (each presence change to every client
  // is quadratic in a crowd).
  std::size_t irc_presence_limit = 1000;
  Admission admission = loopback_trusted();
  // The SQLite database file; empty: no store at all (--no-store), everything in memory.
  std::string database = "chatd.db";
  // OpenID Connect providers to sign in with (oidc::load_provider_config); empty: none.
  std::string oidc_config;
  NodeOptions node;
};

struct ShowHelp {};
struct OptionsError {
  std::string message;
};

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv);
std::string usage();

}  // namespace chat
