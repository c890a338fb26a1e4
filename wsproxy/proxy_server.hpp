#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>

#include "wsproxy/options.hpp"

namespace chat::wsproxy {

// The HTTP + WebSocket face: serves the web app's files and gives every WebSocket on /ws a
// Bridge to chatd, over HTTP or, given a certificate, HTTPS. websocketpp stays behind this class
// (its headers cost a lot to compile).
class ProxyServer {
 public:
  // Throws std::runtime_error when a TLS file cannot be used, or the port not listened on.
  ProxyServer(asio::io_context& io, const Options& options);
  ~ProxyServer();

  asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

  // The plain or TLS server behind this one, defined with websocketpp in the .cpp.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace chat::wsproxy
