// Load generator for chat servers (issue 12): many clients in rooms, some of them sending, on one
// Asio thread. Speaks chatd's native protocol (plain mode) or IRC, so the same run can be pointed
// at chatd and at an IRC daemon. Prints one JSON object.
//
//   loadgen --port 8080 [--irc] [--clients 1000] [--rooms 10] [--senders 100] [--size 64]
//           [--rate 0] [--seconds 10] [--server-pid PID] [--host 127.0.0.1]
//
// --port takes a list (8080,8081): the nodes of a cluster, clients spread over them in turn,
// --server-pid a list of their processes. Latency is then also split: a message timed by a
// client of the node it was sent to (local) or of another one (remote).
//
// --rate: messages a second from all senders together (0: each sender as fast as the server
// takes them: a batch of messages and a PING, the next batch when the PONG comes back, so the
// server's pace sets the load and no backlog builds up in socket buffers). Deliveries are the lines
// clients receive while the senders run; with
// --server-pid, the server's CPU time over the same window gives deliveries per CPU second.
// Each message carries its send time; the first 20 clients time what they receive (latency).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <asio.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using asio::ip::tcp;

struct Config {
  std::string host = "127.0.0.1";
  std::vector<std::uint16_t> ports{8080};
  bool irc = false;
  int clients = 1000;
  int rooms = 10;
  int senders = 100;
  int size = 64;
  double rate = 0;
  int seconds = 10;
  std::vector<int> server_pids;
  // Clients connecting or logging in at once: more than the server's listen backlog (4096 here)
  // and the kernel drops SYNs, which come back a second later: that would time the kernel.
  int connect_window = 1000;
};

constexpr int timed_clients = 20;
constexpr int lines_per_write = 32;  // a sender at full speed sends this many per PING

struct Totals {
  std::uint64_t lines = 0;  // received by all clients since the count began
  std::uint64_t sent = 0;
  int ready = 0;  // clients logged in and in their room
  int dropped = 0;
  Clock::time_point last_received;  // bytes of any client
  bool counting = false;
  bool sending = false;
  std::vector<double> latencies_ms;
  std::vector<double> local_latencies_ms;   // sent to the receiver's node
  std::vector<double> remote_latencies_ms;  // sent to another node
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, const Config& config, Totals& totals, int index)
      : socket_(io),
        config_(config),
        totals_(totals),
        index_(index),
        // Each room's members in turn over the nodes (client i is in room i % rooms).
        node_((index / config.rooms) % static_cast<int>(config.ports.size())) {}

  int node() const { return node_; }

  void start(const tcp::endpoint& server) {
    socket_.async_connect(server, [self = shared_from_this()](asio::error_code error) {
      if (error) return self->fail();
      self->socket_.set_option(tcp::no_delay(true));
      const auto nick = fmt::format("lg{}", self->index_);
      const auto room = fmt::format("#bench{}", self->index_ % self->config_.rooms);
      // IRC joins once registered (the 001 welcome); the native protocol takes it all at once.
      self->outgoing_ = self->config_.irc
                            ? fmt::format("NICK {0}\r\nUSER {0} 0 * :{0}\r\n", nick)
                            : fmt::format("USERNAME {}\nJOIN {}\nPING ready\n", nick, room);
      self->room_ = room;
      asio::async_write(self->socket_, asio::buffer(self->outgoing_),
                        [self](asio::error_code, std::size_t) {});
      self->read();
    });
  }

  // Sends one message, or (rate 0) keeps a batch of them in flight until sending stops.
  void send_one() { write_batch(1, false); }
  void send_continuously() {
    sender_ = true;
    write_batch(lines_per_write, true);
  }

 private:
  std::string message() const {
    // The send time first, so that a receiver finds it right after the sender's name.
    auto text = fmt::format("t{} n{} ", now_ns(), node_);
    if (static_cast<int>(text.size()) < config_.size)
      text.append(static_cast<std::size_t>(config_.size) - text.size(), 'x');
    return config_.irc ? fmt::format("PRIVMSG {} :{}\r\n", room_, text)
                       : fmt::format("MSG {} {}\n", room_, text);
  }

  void write_batch(int count, bool ping) {
    if (writing_) return;
    outgoing_.clear();
    for (int i = 0; i < count; ++i) outgoing_ += message();
    if (ping) outgoing_ += config_.irc ? "PING :next\r\n" : "PING next\n";
    writing_ = true;
    asio::async_write(socket_, asio::buffer(outgoing_),
                      [self = shared_from_this(), count](asio::error_code error, std::size_t) {
                        self->writing_ = false;
                        if (error) return self->fail();
                        if (self->totals_.sending) self->totals_.sent += count;
                      });
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](
                                                       asio::error_code error, std::size_t length) {
      if (error) return self->fail();
      self->received(std::string_view(self->buffer_.data(), length));
      self->read();
    });
  }

  void received(std::string_view bytes) {
    totals_.last_received = Clock::now();
    const bool parsed = index_ < timed_clients || sender_;  // the others only count lines
    if (ready_ && !parsed) {
      if (totals_.counting) totals_.lines += std::count(bytes.begin(), bytes.end(), '\n');
      return;
    }
    partial_.append(bytes);
    std::size_t start = 0;
    for (auto end = partial_.find('\n'); end != std::string::npos;
         start = end + 1, end = partial_.find('\n', start)) {
      line(std::string_view(partial_).substr(start, end - start));
    }
    partial_.erase(0, start);
  }

  void line(std::string_view text) {
    if (!ready_) {
      if (config_.irc && !welcomed_ && text.find(" 001 ") != std::string_view::npos) {
        welcomed_ = true;
        join_ = fmt::format("JOIN {}\r\nPING :ready\r\n", room_);
        asio::async_write(socket_, asio::buffer(join_),
                          [self = shared_from_this()](asio::error_code, std::size_t) {});
      }
      if (text.find("PONG") != std::string_view::npos) {
        ready_ = true;
        ++totals_.ready;
      }
      return;
    }
    if (text.find("PONG") != std::string_view::npos) {
      if (sender_ && totals_.sending) write_batch(lines_per_write, true);
      return;
    }
    if (totals_.counting) ++totals_.lines;
    // "RECEIVE #room nick t<ns> ..." or ":nick!user@host PRIVMSG #room :t<ns> ...".
    auto at = text.find(config_.irc ? " :t" : " t");
    if (!totals_.counting || at == std::string_view::npos) return;
    at += config_.irc ? 1 : 0;
    std::int64_t sent = 0;
    const auto digits = text.substr(at + 2);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), sent);
    if (error != std::errc()) return;
    const auto latency = static_cast<double>(now_ns() - sent) / 1e6;
    totals_.latencies_ms.push_back(latency);
    // " n<node>": where it was sent.
    int node = 0;
    const auto rest = digits.substr(static_cast<std::size_t>(end - digits.data()));
    if (rest.size() > 2 && rest.substr(0, 2) == " n" &&
        std::from_chars(rest.data() + 2, rest.data() + rest.size(), node).ec == std::errc()) {
      (node == node_ ? totals_.local_latencies_ms : totals_.remote_latencies_ms).push_back(latency);
    }
  }

  void fail() {
    if (std::exchange(failed_, true)) return;
    ++totals_.dropped;
  }

  tcp::socket socket_;
  const Config& config_;
  Totals& totals_;
  int index_;
  int node_;  // which of the servers it is connected to
  std::string room_;
  std::string outgoing_;
  std::string partial_;
  std::array<char, 64 * 1024> buffer_;
  bool ready_ = false;
  bool writing_ = false;
  bool sender_ = false;
  bool welcomed_ = false;  // IRC: registered
  std::string join_;       // sends a batch each time its PING comes back
  bool failed_ = false;
};

double cpu_seconds(int pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::vector<std::string> values((std::istream_iterator<std::string>(fields)), {});
  if (values.size() < 13) return 0;
  return (std::stod(values[11]) + std::stod(values[12])) / 100.0;  // utime + stime, in ticks
}

// Resident memory in KiB (VmRSS), for the idle case's memory per connection.
double rss_kib(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

double rss_kib(const std::vector<int>& pids) {
  double total = 0;
  for (const auto pid : pids) total += rss_kib(pid);
  return total;
}

double cpu_seconds(const std::vector<int>& pids) {
  double total = 0;
  for (const auto pid : pids) total += cpu_seconds(pid);
  return total;
}

// "1,2,3"
template <typename Number>
std::vector<Number> list(const std::string& text) {
  std::vector<Number> values;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    values.push_back(static_cast<Number>(std::stoi(item)));
  }
  return values;
}

std::optional<Config> parse(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--irc") {
      config.irc = true;
      continue;
    }
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--host")
      config.host = value;
    else if (flag == "--port")
      config.ports = list<std::uint16_t>(value);
    else if (flag == "--clients")
      config.clients = std::stoi(value);
    else if (flag == "--rooms")
      config.rooms = std::stoi(value);
    else if (flag == "--senders")
      config.senders = std::stoi(value);
    else if (flag == "--size")
      config.size = std::stoi(value);
    else if (flag == "--rate")
      config.rate = std::stod(value);
    else if (flag == "--seconds")
      config.seconds = std::stoi(value);
    else if (flag == "--server-pid")
      config.server_pids = list<int>(value);
    else if (flag == "--connect-window")
      config.connect_window = std::stoi(value);
    else
      return std::nullopt;
  }
  if (config.clients < 1 || config.rooms < 1 || config.senders > config.clients ||
      config.connect_window < 1 || config.ports.empty())
    return std::nullopt;
  return config;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto at = std::min(values.size() - 1, static_cast<std::size_t>(values.size() * p));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

}  // namespace

int main(int argc, char** argv) {
  const auto config = parse(argc, argv);
  if (!config) {
    fmt::print(stderr,
               "usage: loadgen --port PORT[,PORT...] [--irc] [--clients N] [--rooms N] "
               "[--senders N] [--size BYTES] [--rate PER_SECOND] [--seconds N] "
               "[--server-pid PID[,PID...]] "
               "[--connect-window N]\n");
    return 2;
  }
  asio::io_context io;
  Totals totals;
  std::vector<tcp::endpoint> servers;
  for (const auto port : config->ports) {
    servers.emplace_back(asio::ip::make_address(config->host), port);
  }
  std::vector<std::shared_ptr<Client>> clients;
  // The connect storm: from the first connect until every client is logged in and in its room.
  const double login_cpu_before = cpu_seconds(config->server_pids);
  const double rss_before = rss_kib(config->server_pids);
  const auto login_started = Clock::now();
  const auto start_more = [&] {
    const auto settled = totals.ready + totals.dropped;
    while (static_cast<int>(clients.size()) < config->clients &&
           static_cast<int>(clients.size()) - settled < config->connect_window) {
      clients.push_back(
          std::make_shared<Client>(io, *config, totals, static_cast<int>(clients.size())));
      clients.back()->start(servers[static_cast<std::size_t>(clients.back()->node())]);
    }
  };
  start_more();
  const auto login_deadline = Clock::now() + std::chrono::seconds(120);
  while (totals.ready + totals.dropped < config->clients && Clock::now() < login_deadline) {
    io.run_one_for(std::chrono::milliseconds(100));
    start_more();
  }
  if (totals.ready < config->clients) {
    fmt::print(stderr, "loadgen: only {} of {} clients logged in\n", totals.ready, config->clients);
    return 1;
  }
  const double login_seconds = std::chrono::duration<double>(Clock::now() - login_started).count();
  const double login_cpu = cpu_seconds(config->server_pids) - login_cpu_before;
  // What the logins still have on its way (a big room's JOINs for those who came first) is not
  // the load's: the run starts once nothing has arrived for half a second.
  const auto settle_started = Clock::now();
  while (Clock::now() - totals.last_received < std::chrono::milliseconds(500) &&
         Clock::now() - settle_started < std::chrono::seconds(60)) {
    io.run_for(std::chrono::milliseconds(100));
  }
  const double settle_seconds =
      std::chrono::duration<double>(Clock::now() - settle_started).count();
  // Memory once every client is in: what idle connections cost the server, each.
  const double rss_per_client = (rss_kib(config->server_pids) - rss_before) / config->clients;

  totals.counting = true;
  totals.sending = true;
  const double cpu_before = cpu_seconds(config->server_pids);
  const auto started = Clock::now();
  const auto end = started + std::chrono::seconds(config->seconds);
  if (config->rate <= 0) {
    for (int i = 0; i < config->senders; ++i)
      clients[static_cast<std::size_t>(i)]->send_continuously();
    io.run_until(end);
  } else {
    // Messages spread evenly over time and round-robin over the senders.
    const auto interval = std::chrono::duration<double>(1.0 / config->rate);
    asio::steady_timer tick(io);
    std::uint64_t due = 0;
    std::function<void()> schedule = [&] {
      ++due;
      tick.expires_at(started + std::chrono::duration_cast<Clock::duration>(interval * due));
      tick.async_wait([&](asio::error_code error) {
        if (error || Clock::now() >= end) return;
        clients[due % static_cast<std::uint64_t>(config->senders)]->send_one();
        schedule();
      });
    };
    schedule();
    io.run_until(end);
    tick.cancel();
  }
  totals.sending = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const double cpu = cpu_seconds(config->server_pids) - cpu_before;
  const auto deliveries = totals.lines;
  fmt::print(
      "{{\"protocol\":\"{}\",\"clients\":{},\"rooms\":{},\"senders\":{},\"size\":{},"
      "\"rate\":{},\"seconds\":{:.2f},\"sent\":{},\"deliveries\":{},\"deliveries_per_second\":{:."
      "0f},"
      "\"server_cpu\":{:.3f},\"deliveries_per_cpu_second\":{:.0f},\"latency_p50_ms\":{:.2f},"
      "\"latency_p99_ms\":{:.2f},\"dropped\":{},\"login_seconds\":{:.3f},"
      "\"login_server_cpu_seconds\":{:.3f},\"nodes\":{},\"latency_local_p50_ms\":{:.2f},"
      "\"latency_local_p99_ms\":{:.2f},\"latency_remote_p50_ms\":{:.2f},"
      "\"latency_remote_p99_ms\":{:.2f},\"server_rss_kib_per_client\":{:.2f},"
      "\"settle_seconds\":{:.3f}}}\n",
      config->irc ? "irc" : "native", config->clients, config->rooms, config->senders, config->size,
      config->rate, elapsed, totals.sent, deliveries, deliveries / elapsed, cpu / elapsed,
      cpu > 0 ? deliveries / cpu : 0, percentile(totals.latencies_ms, 0.5),
      percentile(totals.latencies_ms, 0.99), totals.dropped, login_seconds, login_cpu,
      config->ports.size(), percentile(totals.local_latencies_ms, 0.5),
      percentile(totals.local_latencies_ms, 0.99), percentile(totals.remote_latencies_ms, 0.5),
      percentile(totals.remote_latencies_ms, 0.99), rss_per_client, settle_seconds);
  return 0;
}
