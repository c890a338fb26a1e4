#include "chatd/net/server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>
#include <vector>

namespace chat {

Server::Server(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, SessionLimits limits,
               Session::FrontFactory make_front)
    : acceptor_(io, endpoint, /*reuse_addr=*/true),
      retry_timer_(io),
      limits_(limits),
      make_front_(std::move(make_front)) {
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

void Server::accept() {
  acceptor_.async_accept([this](asio::error_code error, asio::ip::tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (error) {
      // Typically out of file descriptors: back off instead of spinning.
      fmt::print(stderr, "chatd: accept failed: {}\n", error.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](asio::error_code wait_error) {
        if (!wait_error) accept();
      });
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), limits_,
                                             [this](Session& closed) { sessions_.erase(&closed); });
    sessions_.emplace(session.get(), session);
    session->start(make_front_);
    accept();
  });
}

}  // namespace chat
