#pragma once

#include <openssl/ssl.h>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/host_name_verification.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace chat {

// A connection's bytes: plain TCP, or TLS over it. Sessions and bridges read and write through
// it without knowing which; TLS only adds a handshake before the first byte.
class Stream {
 public:
  using Tls = asio::ssl::stream<asio::ip::tcp::socket>;

  explicit Stream(asio::ip::tcp::socket socket) : stream_(std::move(socket)) {}
  Stream(asio::ip::tcp::socket socket, asio::ssl::context& tls)
      : stream_(std::make_unique<Tls>(std::move(socket), tls)) {}

  bool tls() const { return std::holds_alternative<std::unique_ptr<Tls>>(stream_); }
  asio::ip::tcp::socket& socket() {
    if (auto* tls = tls_stream()) return tls->next_layer();
    return std::get<asio::ip::tcp::socket>(stream_);
  }

  // A TLS client's: the name or address the server's certificate must carry; a name is also
  // sent as SNI (which may not be an address).
  void expect_server_name(const std::string& host) {
    auto* tls = tls_stream();
    if (!tls) return;
    asio::error_code not_address;
    asio::ip::make_address(host, not_address);
    if (not_address) SSL_set_tlsext_host_name(tls->native_handle(), host.c_str());
    tls->set_verify_callback(asio::ssl::host_name_verification(host));
  }

  // Completes at once on plain TCP.
  template <class Handler>
  void async_handshake(asio::ssl::stream_base::handshake_type side, Handler&& handler) {
    if (auto* tls = tls_stream()) {
      tls->async_handshake(side, std::forward<Handler>(handler));
      return;
    }
    asio::post(socket().get_executor(), [handler = std::forward<Handler>(handler)]() mutable {
      handler(asio::error_code());
    });
  }

  template <class Handler>
  void async_read_some(asio::mutable_buffer buffer, Handler&& handler) {
    if (auto* tls = tls_stream()) {
      tls->async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      socket().async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  // Writes all of `buffers`; `progress` is asio::async_write's completion condition. TLS writes
  // one record per buffer, so there the buffers are first gathered into one copy: a line per
  // record would cost a system call per line.
  template <class Buffers, class Progress, class Handler>
  void async_write(const Buffers& buffers, Progress progress, Handler&& handler) {
    auto* tls = tls_stream();
    if (!tls) {
      asio::async_write(std::get<asio::ip::tcp::socket>(stream_), buffers, progress,
                        std::forward<Handler>(handler));
      return;
    }
    gathered_.clear();
    for (auto buffer = asio::buffer_sequence_begin(buffers);
         buffer != asio::buffer_sequence_end(buffers); ++buffer) {
      gathered_.append(static_cast<const char*>(buffer->data()), buffer->size());
    }
    asio::async_write(*tls, asio::buffer(gathered_), progress,
                      [this, handler = std::forward<Handler>(handler)](
                          const asio::error_code& error, std::size_t length) mutable {
                        // An idle connection keeps no copy of a burst it once sent.
                        if (gathered_.capacity() > max_kept_gather) std::string().swap(gathered_);
                        handler(error, length);
                      });
  }

  void close() {
    asio::error_code ignored;
    socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

 private:
  static constexpr std::size_t max_kept_gather = 16 * 1024;

  Tls* tls_stream() {
    auto* tls = std::get_if<std::unique_ptr<Tls>>(&stream_);
    return tls ? tls->get() : nullptr;
  }

  // TLS boxed: its state is some 400 bytes that a plain connection need not carry.
  std::variant<asio::ip::tcp::socket, std::unique_ptr<Tls>> stream_;
  std::string gathered_;  // TLS: the lines of the write in progress
};

}  // namespace chat
