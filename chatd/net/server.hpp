#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <unordered_map>

#include "chatd/net/admission.hpp"
#include "chatd/net/log_throttle.hpp"
#include "chatd/net/output_budget.hpp"
#include "chatd/net/session.hpp"
#include "chatd/net/session_limits.hpp"
#include "protocol/error.hpp"

namespace chat {

// Accepts TCP connections on one endpoint and gives each a Session with a front from the
// factory, within the admission limits; with a TLS context, every connection is TLS. Keeps the
// live sessions so that stop() can close them.
class Server {
 public:
  // The line a refused client gets, in its front's dialect, for a reason.
  using RefusalLine = std::string (*)(protocol::Error reason);

  Server(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, SessionLimits limits,
         OutputBudget& budget, const Admission& admission, Session::FrontFactory make_front,
         RefusalLine refusal, std::shared_ptr<asio::ssl::context> tls = nullptr);

  asio::ip::tcp::endpoint local_endpoint() const;
  void stop();

 private:
  // Connections taken at once after a wake-up, beyond the one that woke it.
  static constexpr int max_accepts_per_turn = 64;

  void accept();
  void back_off(const asio::error_code& error);
  // A new connection: a session, unless the caps refuse it.
  void admit(asio::ip::tcp::socket socket);
  // Says why and closes, without a session; `from_address`: that address's open connections.
  void refuse(asio::ip::tcp::socket socket, const std::string& address, std::size_t from_address,
              protocol::Error reason);

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  SessionLimits limits_;
  OutputBudget& budget_;
  const Admission& admission_;
  Session::FrontFactory make_front_;
  RefusalLine refusal_;
  std::shared_ptr<asio::ssl::context> tls_;
  SharedIo shared_io_;
  std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
  std::unordered_map<std::string, std::size_t> per_address_;  // untrusted addresses only
  LogThrottle refusal_log_;
};

}  // namespace chat
