#include "chatd/net/server.hpp"

#include <fmt/format.h>

#include <asio/write.hpp>
#include <chrono>
#include <utility>
#include <vector>

namespace chat {

Server::Server(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, SessionLimits limits,
               OutputBudget& budget, const Admission& admission, Session::FrontFactory make_front,
               RefusalLine refusal, std::shared_ptr<asio::ssl::context> tls)
    : acceptor_(io, endpoint, /*reuse_addr=*/true),
      retry_timer_(io),
      limits_(limits),
      budget_(budget),
      admission_(admission),
      make_front_(std::move(make_front)),
      refusal_(refusal),
      tls_(std::move(tls)),
      shared_io_(io.get_executor()) {
  acceptor_.non_blocking(true);  // accept() drains the backlog without blocking
  accept();
}

asio::ip::tcp::endpoint Server::local_endpoint() const { return acceptor_.local_endpoint(); }

void Server::stop() {
  asio::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
  std::vector<std::shared_ptr<Session>> open;
  open.reserve(sessions_.size());
  for (const auto& [raw, session] : sessions_) open.push_back(session);
  for (const auto& session : open) session->begin_shutdown();
  for (const auto& session : open) session->close();
}

void Server::refuse(asio::ip::tcp::socket socket, const std::string& address,
                    std::size_t from_address, protocol::Error reason) {
  if (reason == protocol::Error::proxies_only) {
    if (refusal_log_.allow()) {
      fmt::print(stderr, "chatd: refused a connection from {}: not a trusted proxy\n", address);
    }
  } else if (refusal_log_.allow()) {
    fmt::print(stderr, "chatd: refused a connection from {}: {} open, {} from that address\n",
               address, sessions_.size(), from_address);
  }
  if (tls_) return;  // a line would cost a handshake, which is what a flood wants: just close
  auto held = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
  auto line = std::make_shared<const std::string>(refusal_(reason));
  asio::async_write(*held, asio::buffer(*line), [held, line](asio::error_code, std::size_t) {
    asio::error_code ignored;
    held->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    held->close(ignored);
  });
}

void Server::accept() {
  acceptor_.async_accept([this](asio::error_code error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) return back_off(error);
    admit(std::move(socket));
    // In a storm of connections, take what the kernel has queued already before anything else
    // runs: at one a turn the backlog overflows, and a SYN the kernel drops is sent again only
    // a second later.
    for (int i = 0; i < max_accepts_per_turn; ++i) {
      asio::error_code more_error;
      auto more = acceptor_.accept(more_error);
      if (more_error == asio::error::would_block || more_error == asio::error::try_again) break;
      if (more_error) return back_off(more_error);
      admit(std::move(more));
    }
    accept();
  });
}

void Server::back_off(const asio::error_code& error) {
  // Typically out of file descriptors: wait instead of spinning.
  fmt::print(stderr, "chatd: accept failed: {}\n", error.message());
  retry_timer_.expires_after(std::chrono::milliseconds(100));
  retry_timer_.async_wait([this](asio::error_code wait_error) {
    if (!wait_error) accept();
  });
}

void Server::admit(asio::ip::tcp::socket socket) {
  asio::error_code peer_error;
  const auto peer = socket.remote_endpoint(peer_error);
  if (peer_error) return;  // gone already
  const bool trusted = admission_.trusts(peer.address());
  auto address = peer.address().to_string();
  const auto counted = per_address_.find(address);
  const auto from_address = counted == per_address_.end() ? 0 : counted->second;
  if (admission_.proxies_only && !trusted) {
    return refuse(std::move(socket), address, from_address, protocol::Error::proxies_only);
  }
  if (sessions_.size() >= admission_.max_connections ||
      (!trusted && from_address >= admission_.max_per_address)) {
    return refuse(std::move(socket), address, from_address, protocol::Error::too_many_connections);
  }
  if (!trusted) ++per_address_[address];
  auto session = std::make_shared<Session>(
      tls_ ? Stream(std::move(socket), *tls_) : Stream(std::move(socket)), std::move(address),
      limits_, budget_, shared_io_, trusted, [this, trusted](Session& closed) {
        sessions_.erase(&closed);
        // An untrusted session's address is the one counted here (only a trusted proxy's PROXY
        // line changes it); capturing nothing more keeps the handler off the heap.
        const auto& address = closed.remote_address();
        if (!trusted && --per_address_[address] == 0) per_address_.erase(address);
      });
  sessions_.emplace(session.get(), session);
  session->start(make_front_);
}

}  // namespace chat
