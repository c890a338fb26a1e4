#include <fmt/format.h>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>

#include "chatd/net/open_files.hpp"
#include "wsproxy/options.hpp"
#include "wsproxy/proxy_server.hpp"

int main(int argc, char** argv) {
  using namespace chat::wsproxy;
  const auto parsed = parse_options(argc, argv);
  if (std::holds_alternative<ShowHelp>(parsed)) {
    fmt::print("{}", usage());
    return 0;
  }
  if (const auto* error = std::get_if<OptionsError>(&parsed)) {
    fmt::print(stderr, "wsproxy: {}\n{}", error->message, usage());
    return 2;
  }
  const auto& options = std::get<Options>(parsed);

  try {
    asio::io_context io;
    ProxyServer server(io, options);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&server](asio::error_code, int) { server.stop(); });

    // Each browser takes two: its WebSocket and the proxy's socket to chatd.
    const auto open_files = chat::raise_open_files_limit();
    fmt::print("wsproxy: {} open files allowed: about {} browsers at once\n", open_files,
               open_files > 64 ? (open_files - 64) / 2 : 0);
    const auto local = server.local_endpoint();
    fmt::print("wsproxy listening on {}:{} (chatd upstream {}:{}, web app from {})\n",
               local.address().to_string(), local.port(), options.upstream.host,
               options.upstream.port, options.webroot);
    fmt::print("open {}://localhost:{}/ in a browser\n",
               options.tls_certificate_chain.empty() ? "http" : "https", local.port());
    std::fflush(stdout);
    io.run();
    fmt::print("wsproxy stopped\n");
  } catch (const std::exception& error) {
    fmt::print(stderr, "wsproxy: {}\n", error.what());
    return 1;
  }
  return 0;
}
