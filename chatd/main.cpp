#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chatd/accounts/accounts.hpp"
#include "chatd/accounts/password_hasher.hpp"
#include "chatd/cluster/cluster_link.hpp"
#include "chatd/fronts/irc_front.hpp"
#include "chatd/fronts/native_front.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/hub/id_generator.hpp"
#include "chatd/net/open_files.hpp"
#include "chatd/net/server.hpp"
#include "chatd/net/tls_context.hpp"
#include "chatd/oidc/http_client.hpp"
#include "chatd/oidc/provider_config.hpp"
#include "chatd/oidc/social_sign_in.hpp"
#include "chatd/options.hpp"
#include "chatd/store/open_store.hpp"

using chat::Server;

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// This node as NODES shows it: named after its host and port unless told otherwise.
chat::peer::NodeInfo describe_node(const chat::NodeOptions& node, std::uint16_t port) {
  const auto host = host_name();
  std::string name = node.name;
  if (name.empty()) {
    for (const char c : host + "-" + std::to_string(port)) {
      if (name.size() < 32)
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'
                    ? c
                    : '-';
    }
  }
  const auto started = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return {name, node.address.empty() ? host + ":" + std::to_string(port) : node.address, node.kind,
          0, started.count()};
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = chat::parse_options(argc, argv);
  if (std::holds_alternative<chat::ShowHelp>(parsed)) {
    fmt::print("{}", chat::usage());
    return 0;
  }
  if (const auto* error = std::get_if<chat::OptionsError>(&parsed)) {
    fmt::print(stderr, "chatd: {}\n{}", error->message, chat::usage());
    return 2;
  }
  const auto& options = std::get<chat::Options>(parsed);

  try {
    asio::io_context io;
    chat::IdGenerator ids;
    std::unique_ptr<chat::store::Store> store;
    if (!options.database.empty()) {
      store = chat::store::open_store(io.get_executor(), options.database);
    }
    chat::PasswordHasher hasher(io.get_executor());
    const bool clustered = !options.node.redis_host.empty();
    chat::Hub hub(ids, options.hub_limits, store.get(), clustered);
    chat::oidc::HttpClient http(io.get_executor());
    std::optional<chat::oidc::SocialSignIn> social;
    if (!options.oidc_config.empty()) {
      if (!store) throw std::runtime_error("--oidc-config needs a store: accounts live there");
      social.emplace(chat::oidc::load_sign_in_config(options.oidc_config), http, *store);
    }
    chat::Accounts accounts(hub, store.get(), hasher, social ? &*social : nullptr);
    const auto address = asio::ip::make_address(options.bind_address);
    const chat::Session::FrontFactory native = [&hub, &accounts, &options](chat::LineSink& sink) {
      return std::make_unique<chat::NativeFront>(hub, accounts, sink, options.flood_limits);
    };
    const chat::Session::FrontFactory irc = [&hub, &accounts, &options](chat::LineSink& sink) {
      return std::make_unique<chat::IrcFront>(hub, accounts, sink, options.flood_limits,
                                              options.irc_presence_limit);
    };
    chat::OutputBudget output_budget(options.max_output_memory);
    const auto listen = [&](std::uint16_t port, const chat::Session::FrontFactory& front,
                            Server::RefusalLine refusal,
                            std::shared_ptr<asio::ssl::context> tls = nullptr) {
      return std::make_unique<Server>(io, asio::ip::tcp::endpoint(address, port),
                                      options.session_limits, output_budget, options.admission,
                                      front, refusal, std::move(tls));
    };
    // The plain line protocol's listener comes last: its "listening on" line tells a test that
    // all of them are up.
    std::vector<std::pair<std::string, std::unique_ptr<Server>>> listeners;
    if (options.irc_port) {
      listeners.emplace_back("IRC", listen(*options.irc_port, irc, chat::IrcFront::refusal_line));
    }
    if (options.tls) {
      const auto context =
          chat::server_tls_context(options.tls->certificate_chain, options.tls->private_key);
      listeners.emplace_back(
          "TLS", listen(options.tls->port, native, chat::NativeFront::refusal_line, context));
      if (options.irc_port) {
        listeners.emplace_back(
            "IRC TLS", listen(options.tls->irc_port, irc, chat::IrcFront::refusal_line, context));
      }
    }
    listeners.emplace_back("", listen(options.port, native, chat::NativeFront::refusal_line));

    const auto node = describe_node(options.node, listeners.back().second->local_endpoint().port());
    hub.describe_node(node);
    std::optional<chat::cluster::ClusterLink> cluster;
    if (clustered) {
      cluster.emplace(io.get_executor(), hub,
                      chat::cluster::ClusterConfig{options.node.redis_host, options.node.redis_port,
                                                   node.name, node.address, node.kind});
      hub.join_cluster(*cluster);
      cluster->start();
    }

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&hub, &listeners, &cluster](asio::error_code, int) {
      hub.begin_shutdown();
      if (cluster) cluster->stop();
      for (const auto& [name, listener] : listeners) listener->stop();
    });

    const auto open_files = chat::raise_open_files_limit();
    fmt::print("chatd: {} open files allowed: about {} connections in all\n", open_files,
               open_files > 64 ? open_files - 64 : 0);
    if (social) {
      fmt::print("chatd: sign-in providers: {}\n", fmt::join(social->provider_names(), ", "));
    }
    fmt::print("chatd: {}\n", options.database.empty()
                                  ? std::string("no store (--no-store): nothing is kept")
                                  : "store " + chat::store::printable_database(options.database));
    if (cluster) {
      fmt::print("chatd: cluster redis://{}:{} as node {}\n", options.node.redis_host,
                 options.node.redis_port, node.name);
    }
    for (const auto& [name, listener] : listeners) {
      const auto local = listener->local_endpoint();
      if (name.empty()) {
        fmt::print("chatd listening on {}:{}\n", local.address().to_string(), local.port());
        fmt::print("connect with: nc localhost {}\n", local.port());
      } else {
        fmt::print("chatd {} on {}:{}\n", name, local.address().to_string(), local.port());
      }
    }
    std::fflush(stdout);
    io.run();
    fmt::print("chatd stopped\n");
  } catch (const std::exception& error) {
    fmt::print(stderr, "chatd: {}\n", error.what());
    return 1;
  }
  return 0;
}
