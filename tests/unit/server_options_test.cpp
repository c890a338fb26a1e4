// chatd's and wsproxy's command lines: the documented defaults, every flag, and refusals.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "chatd/options.hpp"
#include "chatd/store/open_store.hpp"
#include "wsproxy/options.hpp"
#include "wsproxy/origin_policy.hpp"

namespace {

template <typename Parse>
auto parse_with(Parse parse, const char* program, std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), program);
  return parse(static_cast<int>(arguments.size()), const_cast<char**>(arguments.data()));
}

chat::Options chatd(std::vector<const char*> arguments) {
  auto parsed = parse_with(chat::parse_options, "chatd", std::move(arguments));
  REQUIRE(std::holds_alternative<chat::Options>(parsed));
  return std::get<chat::Options>(parsed);
}

std::string chatd_error(std::vector<const char*> arguments) {
  auto parsed = parse_with(chat::parse_options, "chatd", std::move(arguments));
  REQUIRE(std::holds_alternative<chat::OptionsError>(parsed));
  return std::get<chat::OptionsError>(parsed).message;
}

chat::wsproxy::Options wsproxy(std::vector<const char*> arguments) {
  auto parsed = parse_with(chat::wsproxy::parse_options, "wsproxy", std::move(arguments));
  REQUIRE(std::holds_alternative<chat::wsproxy::Options>(parsed));
  return std::get<chat::wsproxy::Options>(parsed);
}

std::string wsproxy_error(std::vector<const char*> arguments) {
  auto parsed = parse_with(chat::wsproxy::parse_options, "wsproxy", std::move(arguments));
  REQUIRE(std::holds_alternative<chat::wsproxy::OptionsError>(parsed));
  return std::get<chat::wsproxy::OptionsError>(parsed).message;
}

}  // namespace

TEST_CASE("chatd's defaults are the documented ones") {
  const auto options = chatd({});
  CHECK(options.bind_address == "0.0.0.0");
  CHECK(options.port == 8080);
  CHECK(options.session_limits.max_line_length == 8192);
  CHECK(options.session_limits.max_send_queue == 1024 * 1024);
  CHECK(options.max_output_memory == 256 * 1024 * 1024);
  CHECK(options.hub_limits.max_rooms == 10000);
  CHECK(options.hub_limits.max_rooms_per_owner == 100);
  CHECK(options.database == "chatd.db");
  CHECK(options.irc_port == 6667);
  CHECK(options.flood_limits.enabled);
  CHECK(options.admission.max_connections == 20000);
  CHECK(options.admission.max_per_address == 64);
  CHECK(options.session_limits.login_timeout == std::chrono::seconds(60));
  CHECK(options.session_limits.send_timeout == std::chrono::seconds(60));
  CHECK(options.session_limits.idle_timeout == std::chrono::seconds(120));
  CHECK(options.admission.trusts(asio::ip::make_address("127.0.0.1")));
  CHECK(options.admission.trusts(asio::ip::make_address("::1")));
  CHECK(options.admission.trusts(asio::ip::make_address("::ffff:127.0.0.1")));
  CHECK_FALSE(options.admission.trusts(asio::ip::make_address("127.0.0.2")));
  const auto message =
      options.flood_limits.rates[static_cast<std::size_t>(chat::CommandClass::message)];
  CHECK(message.per_second == 10);
  CHECK(message.burst == 50);
}

TEST_CASE("chatd's admission flags") {
  const auto options = chatd({"--max-connections", "10", "--max-per-address", "3",
                              "--login-timeout", "5", "--send-timeout", "7", "--idle-timeout", "9",
                              "--trusted-proxy", "10.1.0.0/16", "--trusted-proxy", "fd00::/8"});
  CHECK(options.admission.max_connections == 10);
  CHECK(options.admission.max_per_address == 3);
  CHECK(options.session_limits.login_timeout == std::chrono::seconds(5));
  CHECK(options.session_limits.send_timeout == std::chrono::seconds(7));
  CHECK(options.session_limits.idle_timeout == std::chrono::seconds(9));
  CHECK(options.admission.trusts(asio::ip::make_address("10.1.200.3")));
  CHECK(options.admission.trusts(asio::ip::make_address("fd12::5")));
  CHECK_FALSE(options.admission.trusts(asio::ip::make_address("10.2.0.1")));
  CHECK_FALSE(options.admission.trusts(asio::ip::make_address("127.0.0.1")));  // replaced
  CHECK(chatd({"--trusted-proxy", "none"}).admission.trusted_proxies.empty());
  CHECK(chatd_error({"--trusted-proxy", "10.0.0.0/33"}) == "invalid --trusted-proxy: 10.0.0.0/33");
  CHECK(chatd_error({"--trusted-proxy", "proxy.local"}) == "invalid --trusted-proxy: proxy.local");
  CHECK(chatd_error({"--max-per-address", "0"}) == "invalid --max-per-address: 0");
  CHECK(chatd_error({"--login-timeout", "x"}) == "invalid --login-timeout: x");
}

TEST_CASE("chatd's flood control flags") {
  const auto options = chatd({"--flood", "message=2.5/7", "--flood", "room=100/1000"});
  const auto rate = [&](chat::CommandClass kind) {
    return options.flood_limits.rates[static_cast<std::size_t>(kind)];
  };
  CHECK(rate(chat::CommandClass::message).per_second == 2.5);
  CHECK(rate(chat::CommandClass::message).burst == 7);
  CHECK(rate(chat::CommandClass::room).per_second == 100);
  CHECK(rate(chat::CommandClass::nickname).per_second == chat::FloodLimits{}.rates[1].per_second);
  CHECK_FALSE(chatd({"--no-flood-control"}).flood_limits.enabled);
  for (const char* bad :
       {"message", "message=", "=1/1", "bogus=1/1", "message=0/5", "message=0.001/5",
        "message=5/0.5", "message=x/5", "message=5/5/5", "message=1e9/5", "message/1=2"}) {
    CHECK(chatd_error({"--flood", bad}) ==
          fmt::format("invalid --flood (CLASS=RATE/BURST): {}", bad));
  }
}

TEST_CASE("chatd's flags") {
  const auto options =
      chatd({"--bind", "127.0.0.1", "--port", "0", "--max-line", "64", "--max-sendq", "4096",
             "--max-rooms", "5", "--max-rooms-per-user", "2", "--db", "/tmp/x.db"});
  CHECK(options.bind_address == "127.0.0.1");
  CHECK(options.port == 0);
  CHECK(options.session_limits.max_line_length == 64);
  CHECK(options.session_limits.max_send_queue == 4096);
  CHECK(options.hub_limits.max_rooms == 5);
  CHECK(options.hub_limits.max_rooms_per_owner == 2);
  CHECK(options.database == "/tmp/x.db");
  CHECK(chatd({"--db", "x.db", "--no-store"}).database.empty());
  CHECK(chatd({"--irc-port", "0"}).irc_port == 0);
  CHECK_FALSE(chatd({"--no-irc"}).irc_port);
  CHECK(
      std::holds_alternative<chat::ShowHelp>(parse_with(chat::parse_options, "chatd", {"--help"})));
}

TEST_CASE("chatd refuses what it cannot honour") {
  CHECK(chatd_error({"--port", "65536"}) == "invalid port: 65536");
  CHECK(chatd_error({"--port", "-1"}) == "invalid port: -1");
  CHECK(chatd_error({"--port"}) == "unknown option or missing value: --port");
  CHECK(chatd_error({"--max-line", "63"}) == "invalid --max-line: 63");
  CHECK(chatd_error({"--max-sendq", "4095"}) == "invalid --max-sendq: 4095");
  CHECK(chatd_error({"--max-line", "8192", "--max-sendq", "32767"}) ==
        "--max-sendq must be at least 4 times --max-line");
  CHECK(chatd_error({"--max-rooms", "0"}) == "invalid --max-rooms: 0");
  CHECK(chatd_error({"--max-output-memory", "1048575"}) == "invalid --max-output-memory: 1048575");
  CHECK(chatd({"--max-output-memory", "1048576"}).max_output_memory == 1048576);
  CHECK(chatd_error({"--db", ""}) == "--db needs a path");
  CHECK(chatd_error({"--irc-port", "6667x"}) == "invalid --irc-port: 6667x");
  CHECK(chatd_error({"--colour", "on"}) == "unknown option: --colour");
}

TEST_CASE("wsproxy's defaults and flags") {
  const auto defaults = wsproxy({});
  CHECK(defaults.bind_address == "0.0.0.0");
  CHECK(defaults.port == 8000);
  CHECK(defaults.upstream.host == "127.0.0.1");
  CHECK(defaults.upstream.port == "8080");
  CHECK(defaults.webroot == "webapp");
  const auto options =
      wsproxy({"--port", "0", "--upstream", "chatd:9000", "--webroot", "/srv/webapp"});
  CHECK(options.port == 0);
  CHECK(options.upstream.host == "chatd");
  CHECK(options.upstream.port == "9000");
  CHECK(options.webroot == "/srv/webapp");
  CHECK(wsproxy({"--upstream", "[::1]:8080"}).upstream.host == "[::1]");
  CHECK(defaults.heartbeat == std::chrono::seconds(15));
  CHECK(defaults.max_per_address == 64);
  CHECK(wsproxy({"--heartbeat", "2"}).heartbeat == std::chrono::seconds(2));
  CHECK(wsproxy({"--max-per-address", "5"}).max_per_address == 5);
  CHECK(wsproxy_error({"--heartbeat", "0"}) == "invalid --heartbeat: 0");
  CHECK(wsproxy_error({"--max-per-address", "0"}) == "invalid --max-per-address: 0");
}

TEST_CASE("wsproxy refuses an upstream it could never reach") {
  CHECK(wsproxy_error({"--upstream", "chatd"}) == "invalid --upstream, expected HOST:PORT: chatd");
  CHECK(wsproxy_error({"--upstream", ":8080"}) == "invalid --upstream, expected HOST:PORT: :8080");
  CHECK(wsproxy_error({"--upstream", "chatd:0"}) ==
        "invalid --upstream, expected HOST:PORT: chatd:0");
  CHECK(wsproxy_error({"--upstream", "chatd:70000"}) ==
        "invalid --upstream, expected HOST:PORT: chatd:70000");
  CHECK(wsproxy_error({"--port", "x"}) == "invalid port: x");
}

TEST_CASE("wsproxy's --allow-origin, and which origins may open a WebSocket") {
  using chat::wsproxy::origin_allowed;
  CHECK(wsproxy({}).allowed_origins.empty());
  CHECK(wsproxy({"--allow-origin", "https://a.example", "--allow-origin", "*"}).allowed_origins ==
        std::vector<std::string>{"https://a.example", "*"});
  CHECK(wsproxy_error({"--allow-origin", "a.example"}) ==
        "invalid --allow-origin, expected SCHEME://HOST[:PORT] or *: a.example");

  const std::vector<std::string> none;
  CHECK(origin_allowed("http://chat.example:8000", "chat.example:8000", none));
  CHECK(origin_allowed("https://Chat.Example", "chat.example", none));
  CHECK_FALSE(origin_allowed("http://chat.example:8001", "chat.example:8000", none));
  CHECK_FALSE(origin_allowed("https://evil.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("null", "chat.example", none));
  CHECK_FALSE(origin_allowed("", "chat.example", none));
  CHECK_FALSE(origin_allowed("chat.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("http://", "", none));
  const std::vector<std::string> listed{"https://app.example"};
  CHECK(origin_allowed("https://app.example", "proxy.internal:8000", listed));
  CHECK(origin_allowed("HTTPS://APP.EXAMPLE", "proxy.internal:8000", listed));
  CHECK_FALSE(origin_allowed("https://app.example.evil", "proxy.internal:8000", listed));
  CHECK(origin_allowed("", "x", {"*"}));
  CHECK(origin_allowed("null", "x", {"*"}));
}

TEST_CASE("chatd's TLS flags: both files or none, ports only with them") {
  CHECK_FALSE(chatd({}).tls);
  const auto defaults = chatd({"--tls-cert", "chain.pem", "--tls-key", "key.pem"});
  REQUIRE(defaults.tls);
  CHECK(defaults.tls->certificate_chain == "chain.pem");
  CHECK(defaults.tls->private_key == "key.pem");
  CHECK(defaults.tls->port == 8443);
  CHECK(defaults.tls->irc_port == 6697);
  const auto ports = chatd(
      {"--tls-port", "0", "--irc-tls-port", "7000", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
  REQUIRE(ports.tls);
  CHECK(ports.tls->port == 0);
  CHECK(ports.tls->irc_port == 7000);
  CHECK(chatd_error({"--tls-cert", "c.pem"}) == "TLS needs both --tls-cert and --tls-key");
  CHECK(chatd_error({"--tls-key", "k.pem"}) == "TLS needs both --tls-cert and --tls-key");
  CHECK(chatd_error({"--tls-port", "8443"}) == "a TLS port needs --tls-cert and --tls-key");
  CHECK(chatd_error({"--tls-cert", ""}) == "--tls-cert needs a file");
  CHECK(chatd_error({"--irc-tls-port", "x", "--tls-cert", "c", "--tls-key", "k"}) ==
        "invalid --irc-tls-port: x");
}

TEST_CASE("wsproxy's TLS flags") {
  const auto defaults = wsproxy({});
  CHECK(defaults.tls_certificate_chain.empty());
  CHECK_FALSE(defaults.upstream_tls);
  const auto options = wsproxy(
      {"--tls-cert", "c.pem", "--tls-key", "k.pem", "--upstream-tls", "--upstream-ca", "ca.pem"});
  CHECK(options.tls_certificate_chain == "c.pem");
  CHECK(options.tls_private_key == "k.pem");
  CHECK(options.upstream_tls);
  CHECK(options.upstream_ca == "ca.pem");
  CHECK(wsproxy_error({"--tls-key", "k.pem"}) == "TLS needs both --tls-cert and --tls-key");
  CHECK(wsproxy_error({"--upstream-ca", "ca.pem"}) == "--upstream-ca needs --upstream-tls");
}

TEST_CASE("a PostgreSQL URI's password is not logged") {
  using chat::store::printable_database;
  CHECK(printable_database("postgresql://chat:s3cret@db.example:5432/chat") ==
        "postgresql://chat:***@db.example:5432/chat");
  CHECK(printable_database("postgres://chat@db.example/chat") == "postgres://chat@db.example/chat");
  CHECK(printable_database("postgresql://db.example:5432/chat") ==
        "postgresql://db.example:5432/chat");
  CHECK(printable_database("/var/lib/chat:x@y/chatd.db") == "/var/lib/chat:x@y/chatd.db");
  CHECK(printable_database("postgresql://db/chat?user=chat&password=s3cret&sslmode=require") ==
        "postgresql://db/chat?user=chat&password=***&sslmode=require");
  CHECK(printable_database("postgresql://db/chat?password=s3cret") ==
        "postgresql://db/chat?password=***");
}
