#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>

#include "wsproxy/options.hpp"

namespace chat::wsproxy {

// The HTTP + WebSocket face: serves the web app's files and gives every WebSocket on /ws a
// Bridge to chatd. websocketpp stays behind this class (its headers cost a lot to compile).
class ProxyServer {
 public:
  ProxyServer(asio::io_context& io, const Options& options);
  ~ProxyServer();

  asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chat::wsproxy
