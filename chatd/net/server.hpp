#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>

#include "chatd/net/session.hpp"
#include "chatd/net/session_limits.hpp"

namespace chat {

// Accepts TCP connections on one endpoint and gives each a Session with a front from the
// factory. Keeps the live sessions so that stop() can close them all.
class Server {
 public:
  Server(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, SessionLimits limits,
         Session::FrontFactory make_front);

  asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

 private:
  void accept();

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  SessionLimits limits_;
  Session::FrontFactory make_front_;
  std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
};

}  // namespace chat
