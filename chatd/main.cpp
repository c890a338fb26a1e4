#include <fmt/format.h>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/signal_set.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>

#include "chatd/accounts/accounts.hpp"
#include "chatd/accounts/password_hasher.hpp"
#include "chatd/fronts/irc_front.hpp"
#include "chatd/fronts/native_front.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/hub/id_generator.hpp"
#include "chatd/net/open_files.hpp"
#include "chatd/net/server.hpp"
#include "chatd/options.hpp"
#include "chatd/store/sqlite_store.hpp"

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
      store = std::make_unique<chat::store::SqliteStore>(io.get_executor(), options.database);
    }
    chat::PasswordHasher hasher(io.get_executor());
    chat::Hub hub(ids, options.hub_limits, store.get());
    chat::Accounts accounts(hub, store.get(), hasher);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options.bind_address),
                                           options.port);
    chat::Server server(
        io, endpoint, options.session_limits, options.admission,
        [&hub, &accounts, &options](chat::LineSink& sink) {
          return std::make_unique<chat::NativeFront>(hub, accounts, sink, options.flood_limits);
        },
        chat::NativeFront::refusal_line);

    std::optional<chat::Server> irc;
    if (options.irc_port) {
      irc.emplace(
          io, asio::ip::tcp::endpoint(endpoint.address(), *options.irc_port),
          options.session_limits, options.admission,
          [&hub, &accounts, &options](chat::LineSink& sink) {
            return std::make_unique<chat::IrcFront>(hub, accounts, sink, options.flood_limits);
          },
          chat::IrcFront::refusal_line);
    }

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&hub, &server, &irc](asio::error_code, int) {
      hub.begin_shutdown();
      server.stop();
      if (irc) irc->stop();
    });

    const auto open_files = chat::raise_open_files_limit();
    fmt::print("chatd: {} open files allowed: about {} connections in all\n", open_files,
               open_files > 64 ? open_files - 64 : 0);
    const auto local = server.local_endpoint();
    fmt::print("chatd: {}\n", options.database.empty()
                                  ? std::string("no store (--no-store): nothing is kept")
                                  : "store " + options.database);
    if (irc) {
      // Before the "listening on" line that tells a test the server is up: it is all there then.
      const auto irc_local = irc->local_endpoint();
      fmt::print("chatd IRC on {}:{}\n", irc_local.address().to_string(), irc_local.port());
    }
    fmt::print("chatd listening on {}:{}\n", local.address().to_string(), local.port());
    fmt::print("connect with: nc localhost {}\n", local.port());
    std::fflush(stdout);
    io.run();
    fmt::print("chatd stopped\n");
  } catch (const std::exception& error) {
    fmt::print(stderr, "chatd: {}\n", error.what());
    return 1;
  }
  return 0;
}
