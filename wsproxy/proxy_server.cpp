#include "wsproxy/proxy_server.hpp"

#include <fmt/format.h>

#include <asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <type_traits>
#include <utility>
#include <vector>
#include <websocketpp/config/asio.hpp>
#include <websocketpp/server.hpp>

#include "chatd/net/log_throttle.hpp"
#include "chatd/net/tls_context.hpp"
#include "wsproxy/bridge.hpp"
#include "wsproxy/browser_link.hpp"
#include "wsproxy/origin_policy.hpp"
#include "wsproxy/static_files.hpp"

namespace chat::wsproxy {
namespace {

using websocketpp::connection_hdl;
using PlainConfig = websocketpp::config::asio;    // HTTP and WS
using TlsConfig = websocketpp::config::asio_tls;  // HTTPS and WSS

constexpr std::string_view websocket_path = "/ws";
// websocketpp closes the connection on frames above its limit; keep that far above the
// proxy's own limit so an oversized frame gets a JSON error and the connection stays usable.
constexpr std::size_t websocket_hard_limit = 1024 * 1024;
constexpr std::size_t max_http_body = 1024;

template <class Config>
class WebSocketLink final : public BrowserLink {
 public:
  using WebSocketServer = websocketpp::server<Config>;

  WebSocketLink(WebSocketServer& server, connection_hdl handle)
      : server_(server), handle_(std::move(handle)) {}

  void send(const std::string& frame) override {
    websocketpp::lib::error_code ignored;
    server_.send(handle_, frame, websocketpp::frame::opcode::text, ignored);
  }
  void close(std::uint16_t code, const std::string& reason) override {
    websocketpp::lib::error_code ignored;
    server_.close(handle_, code, reason, ignored);
  }
  std::size_t buffered_amount() const override {
    const auto connection = find();
    return connection ? connection->get_buffered_amount() : 0;
  }
  // Two things websocketpp leaves to its user. Its pause_reading() only posts the pause, so the
  // read it issues at the end of the current buffer stays pending, and a resume before that read
  // completes starts a second one beside it; and a connection with no read or write pending is
  // owned by nobody and destroyed, closing the browser's socket without a word. Both were seen
  // under load (the browser got 1006). Everything runs on the io_context's one thread, so the
  // pause and resume handlers are called directly, and the link owns its connection while it
  // has stopped reading.
  void pause_reading() override {
    held_ = find();
    if (held_) held_->handle_pause_reading();
  }
  void resume_reading() override {
    if (const auto connection = std::exchange(held_, nullptr)) connection->handle_resume_reading();
  }

 private:
  typename WebSocketServer::connection_ptr find() const {
    websocketpp::lib::error_code ignored;
    return server_.get_con_from_hdl(handle_, ignored);
  }

  WebSocketServer& server_;
  connection_hdl handle_;
  typename WebSocketServer::connection_ptr held_;  // while reading is paused
};

std::string_view path_of(std::string_view resource) {
  return resource.substr(0, resource.find_first_of("?#"));
}

}  // namespace

struct ProxyServer::Impl {
  virtual ~Impl() = default;
  virtual asio::ip::tcp::endpoint local_endpoint() = 0;
  virtual void stop() = 0;
};

namespace {

// The server for one websocketpp configuration: plain or TLS.
template <class Config>
struct Frontend final : ProxyServer::Impl {
  using WebSocketServer = websocketpp::server<Config>;

  // `tls`: the listener's context (TLS configuration only); `upstream_tls`: the bridges'.
  Frontend(asio::io_context& io, const Options& options, std::shared_ptr<asio::ssl::context> tls,
           std::shared_ptr<asio::ssl::context> upstream_tls)
      : io(io),
        upstream(options.upstream),
        files(options.webroot),
        allowed_origins(options.allowed_origins),
        max_per_address(options.max_per_address) {
    limits.heartbeat_interval = options.heartbeat;
    upstream.tls = std::move(upstream_tls);
    server.init_asio(&io);
    if constexpr (std::is_same_v<Config, TlsConfig>) {
      server.set_tls_init_handler([tls = std::move(tls)](connection_hdl) { return tls; });
    }
    server.set_user_agent("");  // no Server header: nothing to tell about versions
    server.set_reuse_addr(true);
    server.clear_access_channels(websocketpp::log::alevel::all);
    // websocketpp reports ordinary client resets and our own shutdown as errors; what matters
    // reaches the browser as JSON errors and close codes.
    server.clear_error_channels(websocketpp::log::elevel::all);
    server.set_max_message_size(websocket_hard_limit);
    // GET and HEAD have no body; don't let websocketpp buffer one before we answer 405.
    server.set_max_http_body_size(max_http_body);
    server.set_http_handler([this](connection_hdl handle) { serve_file(handle); });
    server.set_validate_handler([this](connection_hdl handle) {
      const auto connection = server.get_con_from_hdl(handle);
      if (path_of(connection->get_resource()) != websocket_path) return false;
      if (!origin_allowed(connection->get_request_header("Origin"),
                          connection->get_request_header("Host"), allowed_origins)) {
        connection->set_status(websocketpp::http::status_code::forbidden);
        return false;
      }
      const auto count = per_address.find(address_of(handle));
      if (count != per_address.end() && count->second >= max_per_address) {
        connection->set_status(websocketpp::http::status_code::too_many_requests);
        return false;
      }
      return true;
    });
    server.set_open_handler([this](connection_hdl handle) { open_bridge(handle); });
    server.set_message_handler(
        [this](connection_hdl handle, typename WebSocketServer::message_ptr message) {
          const auto open = bridges.find(handle);
          if (open == bridges.end()) return;
          if (message->get_opcode() != websocketpp::frame::opcode::text) {
            open->second.bridge->refuse_frame("invalid-frame", "Frames must be text.");
            return;
          }
          open->second.bridge->on_frame(message->get_payload());
        });
    server.set_close_handler([this](connection_hdl handle) { close_bridge(handle); });
    server.set_fail_handler([this](connection_hdl handle) { close_bridge(handle); });

    server.listen(
        asio::ip::tcp::endpoint(asio::ip::make_address(options.bind_address), options.port));
    accept();
  }

  // websocketpp's own accept loop retries at once when accept fails, which at the open-files
  // limit means spinning on the CPU without a word; this one waits a little, and says so.
  void accept() {
    auto connection = server.get_connection();
    if (!connection) return retry_accept("cannot make a connection");
    websocketpp::lib::error_code error;
    server.async_accept(
        connection,
        [this, connection](const websocketpp::lib::error_code& accepted) {
          if (accepted == websocketpp::error::operation_canceled || !server.is_listening()) {
            return connection->terminate(accepted);
          }
          if (accepted) {
            connection->terminate(accepted);
            return retry_accept(accepted.message());
          }
          connection->start();
          accept();
        },
        error);
    if (!error) return;
    connection->terminate(error);  // never started: nothing else would free it
    if (error != websocketpp::error::async_accept_not_listening) retry_accept(error.message());
  }

  void retry_accept(const std::string& why) {
    if (accept_log.allow()) {
      fmt::print(stderr, "wsproxy: accept failed ({}); {} WebSockets open; retrying\n", why,
                 bridges.size());
    }
    accept_timer.expires_after(std::chrono::milliseconds(100));
    accept_timer.async_wait([this](asio::error_code error) {
      if (!error && server.is_listening()) accept();
    });
  }

  void serve_file(connection_hdl handle) {
    const auto connection = server.get_con_from_hdl(handle);
    // websocketpp closes the socket after every HTTP response; say so, or keep-alive clients
    // reuse a dead connection.
    connection->append_header("Connection", "close");
    const auto& method = connection->get_request().get_method();
    if (method != "GET" && method != "HEAD") {
      connection->set_status(websocketpp::http::status_code::method_not_allowed);
      connection->append_header("Allow", "GET, HEAD");
      return;
    }
    const auto file = files.find(connection->get_resource());
    if (!file) {
      connection->set_status(websocketpp::http::status_code::not_found);
      connection->append_header("Content-Type", "text/plain; charset=utf-8");
      connection->set_body("Not found\n");
      return;
    }
    connection->set_status(websocketpp::http::status_code::ok);
    connection->append_header("Content-Type", file->content_type);
    connection->append_header("Cache-Control", "no-cache");
    connection->append_header("X-Content-Type-Options", "nosniff");
    // The app loads only its own files and talks only to this host's WebSocket; no page may
    // frame it (clickjacking), and no referrer leaves with a link.
    // The Host header is the client's: only a plain host[:port] goes into the policy.
    const auto& host = connection->get_request_header("Host");
    const bool plain_host =
        !host.empty() && host.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789.-:[]") == std::string::npos;
    const auto sockets = plain_host ? " ws://" + host + " wss://" + host : std::string();
    connection->append_header("Content-Security-Policy",
                              "default-src 'self'; connect-src 'self'" + sockets +
                                  "; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                  "form-action 'none'; frame-ancestors 'none'");
    connection->append_header("X-Frame-Options", "DENY");
    connection->append_header("Referrer-Policy", "no-referrer");
    if (method == "GET") connection->set_body(file->body);
  }

  // The browser's address; empty once its socket is gone.
  std::string address_of(connection_hdl handle) {
    asio::error_code error;
    const auto peer = server.get_con_from_hdl(handle)->get_raw_socket().remote_endpoint(error);
    return error ? std::string() : peer.address().to_string();
  }

  void open_bridge(connection_hdl handle) {
    auto bridge = std::make_shared<Bridge>(
        io, upstream, std::make_unique<WebSocketLink<Config>>(server, handle), limits);
    auto address = address_of(handle);
    ++per_address[address];
    bridges.emplace(handle, OpenBridge{bridge, address});
    bridge->start(address);
  }

  void close_bridge(connection_hdl handle) {
    const auto open = bridges.find(handle);
    if (open == bridges.end()) return;
    open->second.bridge->on_browser_closed();
    if (--per_address[open->second.address] == 0) per_address.erase(open->second.address);
    bridges.erase(open);
  }

  asio::ip::tcp::endpoint local_endpoint() override {
    asio::error_code ignored;
    return server.get_local_endpoint(ignored);
  }

  void stop() override {
    websocketpp::lib::error_code ignored;
    server.stop_listening(ignored);
    accept_timer.cancel();
    std::vector<connection_hdl> open;
    for (const auto& [handle, bridge] : bridges) open.push_back(handle);
    for (const auto& handle : open) {
      server.close(handle, websocketpp::close::status::going_away, "Server shutting down", ignored);
    }
  }

  asio::io_context& io;
  asio::steady_timer accept_timer{io};
  LogThrottle accept_log;
  Upstream upstream;
  StaticFiles files;
  std::vector<std::string> allowed_origins;
  WebSocketServer server;
  struct OpenBridge {
    std::shared_ptr<Bridge> bridge;
    std::string address;  // the browser's, counted in per_address
  };
  std::map<connection_hdl, OpenBridge, std::owner_less<connection_hdl>> bridges;
  std::map<std::string, std::size_t> per_address;
  std::size_t max_per_address;
  BridgeLimits limits = {};
};

}  // namespace

ProxyServer::ProxyServer(asio::io_context& io, const Options& options) {
  auto upstream_tls = options.upstream_tls ? client_tls_context(options.upstream_ca) : nullptr;
  if (options.tls_certificate_chain.empty()) {
    impl_ = std::make_unique<Frontend<PlainConfig>>(io, options, nullptr, std::move(upstream_tls));
  } else {
    impl_ = std::make_unique<Frontend<TlsConfig>>(
        io, options, server_tls_context(options.tls_certificate_chain, options.tls_private_key),
        std::move(upstream_tls));
  }
}

ProxyServer::~ProxyServer() = default;

asio::ip::tcp::endpoint ProxyServer::local_endpoint() const { return impl_->local_endpoint(); }

void ProxyServer::stop() { impl_->stop(); }

}  // namespace chat::wsproxy
