#include "cli/connection.hpp"

#include <fmt/format.h>

#include <asio/connect.hpp>
#include <asio/write.hpp>
#include <random>
#include <utility>

namespace chat::cli {
namespace {

// chatd's lines are short, except a ROOMS or USERS answer, which can outgrow even its 1 MiB send
// queue. A longer line than this is taken for a broken server: skipping it would leave its
// command unanswered and every later answer matched to the wrong command.
constexpr std::size_t max_server_line = 16 * 1024 * 1024;

std::string describe(const asio::error_code& error) {
  if (error == asio::error::eof) return "closed by the server";
  return error.message();
}

}  // namespace

Connection::Connection(asio::io_context& io, std::string host, std::string port, Handlers handlers)
    : host_(std::move(host)),
      port_(std::move(port)),
      address_(host_ + ":" + port_),
      handlers_(std::move(handlers)),
      resolver_(io),
      socket_(io),
      retry_timer_(io),
      stable_timer_(io),
      backoff_(first_reconnect_delay, longest_reconnect_delay, std::random_device{}()),
      reader_(max_server_line) {}

void Connection::start() { connect(); }

void Connection::connect() {
  const auto attempt = attempt_;
  resolver_.async_resolve(
      host_, port_,
      [this, attempt](asio::error_code error, asio::ip::tcp::resolver::results_type endpoints) {
        if (stale(attempt)) return;
        if (error) {
          fail(describe(error));
          return;
        }
        asio::async_connect(
            socket_, endpoints,
            [this, attempt](asio::error_code error, const asio::ip::tcp::endpoint&) {
              if (stale(attempt)) return;
              if (error) {
                fail(describe(error));
                return;
              }
              asio::error_code ignored;
              socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
              // Notices a server host that vanished without closing, eventually.
              socket_.set_option(asio::socket_base::keep_alive(true), ignored);
              connected_ = true;
              reader_ = protocol::LineReader(max_server_line);
              wait_until_stable();
              read();
              handlers_.connected();
            });
      });
}

void Connection::read() {
  const auto attempt = attempt_;
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, attempt](asio::error_code error, std::size_t length) {
                            if (stale(attempt)) return;
                            if (error) {
                              fail(describe(error));
                              return;
                            }
                            reader_.append(std::string_view(read_buffer_.data(), length));
                            while (auto event = reader_.next()) {
                              if (event->kind == protocol::LineEvent::Kind::too_long) {
                                fail(fmt::format("a line from the server was over {} MiB",
                                                 max_server_line / (1024 * 1024)));
                                return;
                              }
                              handlers_.line(event->text);
                              if (stale(attempt)) return;
                            }
                            read();
                          });
}

void Connection::wait_until_stable() {
  stable_timer_.expires_after(stable_connection);
  stable_timer_.async_wait([this, attempt = attempt_](asio::error_code error) {
    if (error || stale(attempt)) return;
    backoff_.reset();
    failures_ = 0;
  });
}

void Connection::send(std::string_view line) {
  if (!connected_) return;
  queue_.push_back(std::string(line) + '\n');
  if (!writing_) write();
}

void Connection::write() {
  const auto attempt = attempt_;
  writing_ = true;
  asio::async_write(socket_, asio::buffer(queue_.front()),
                    [this, attempt](asio::error_code error, std::size_t) {
                      if (stale(attempt)) return;
                      writing_ = false;
                      if (error) {
                        fail(describe(error));
                        return;
                      }
                      queue_.pop_front();
                      if (!queue_.empty()) write();
                    });
}

void Connection::fail(const std::string& reason) {
  const bool was_connected = std::exchange(connected_, false);
  ++attempt_;
  asio::error_code ignored;
  socket_.close(ignored);
  queue_.clear();
  writing_ = false;
  stable_timer_.cancel();
  ++failures_;
  const auto delay = backoff_.next();
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this, attempt = attempt_](asio::error_code error) {
    if (!error && !stale(attempt)) connect();
  });
  handlers_.lost(reason, was_connected, delay, failures_);
}

void Connection::stop() {
  stopped_ = true;
  connected_ = false;
  ++attempt_;
  asio::error_code ignored;
  resolver_.cancel();
  retry_timer_.cancel();
  stable_timer_.cancel();
  socket_.close(ignored);
  queue_.clear();
}

}  // namespace chat::cli
