#include "chatd/cluster/redis_connection.hpp"

#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <utility>

namespace chat::cluster {

// hiredis's socket as Asio sees it. hiredis says what it wants to wait for through the hooks;
// a wait outstanding keeps this alive, and hiredis's cleanup hook (when it frees its context)
// gives the descriptor back unclosed: the descriptor is hiredis's to close.
struct RedisConnection::Watch : std::enable_shared_from_this<Watch> {
  explicit Watch(const asio::any_io_executor& executor) : socket(executor) {}

  void arm(bool write) {
    auto& wanted = write ? writing : reading;
    auto& armed = write ? write_armed : read_armed;
    if (!wanted || armed || !context) return;
    armed = true;
    socket.async_wait(write ? asio::posix::stream_descriptor::wait_write
                            : asio::posix::stream_descriptor::wait_read,
                      [self = shared_from_this(), write](asio::error_code error) {
                        (write ? self->write_armed : self->read_armed) = false;
                        if (error || !self->context || !(write ? self->writing : self->reading))
                          return;
                        if (write) {
                          redisAsyncHandleWrite(self->context);
                        } else {
                          redisAsyncHandleRead(self->context);
                        }
                        self->arm(write);
                      });
  }

  static Watch& of(void* privdata) { return *static_cast<Watch*>(privdata); }
  static void add_read(void* privdata) { of(privdata).want(false, true); }
  static void del_read(void* privdata) { of(privdata).reading = false; }
  static void add_write(void* privdata) { of(privdata).want(true, true); }
  static void del_write(void* privdata) { of(privdata).writing = false; }
  static void cleanup(void* privdata) {
    auto& watch = of(privdata);
    watch.context = nullptr;
    watch.reading = watch.writing = false;
    if (watch.socket.is_open()) watch.socket.release();  // cancels the waits, closes nothing
  }
  void want(bool write, bool on) {
    (write ? writing : reading) = on;
    arm(write);
  }

  asio::posix::stream_descriptor socket;
  redisAsyncContext* context = nullptr;
  bool reading = false;
  bool writing = false;
  bool read_armed = false;
  bool write_armed = false;
};

RedisConnection::RedisConnection(asio::any_io_executor executor, std::function<void()> on_up,
                                 std::function<void(std::string)> on_lost)
    : executor_(std::move(executor)), on_up_(std::move(on_up)), on_lost_(std::move(on_lost)) {}

RedisConnection::~RedisConnection() {
  closing_ = true;  // on_lost is not told: its owner is the one letting go
  // hiredis answers each pending command with a null reply: nobody waits forever.
  if (context_) redisAsyncFree(std::exchange(context_, nullptr));
}

void RedisConnection::connect(const std::string& ip, std::uint16_t port) {
  context_ = redisAsyncConnect(ip.c_str(), port);
  if (!context_ || context_->err) {
    std::string why = context_ ? context_->errstr : "out of memory";
    if (context_) redisAsyncFree(std::exchange(context_, nullptr));
    return lost(std::move(why));
  }
  context_->data = this;
  watch_ = std::make_shared<Watch>(executor_);
  watch_->context = context_;
  watch_->socket.assign(context_->c.fd);
  context_->ev.data = watch_.get();
  context_->ev.addRead = Watch::add_read;
  context_->ev.delRead = Watch::del_read;
  context_->ev.addWrite = Watch::add_write;
  context_->ev.delWrite = Watch::del_write;
  context_->ev.cleanup = Watch::cleanup;
  // After the hooks: setting it waits for the socket to be writable (connected).
  redisAsyncSetConnectCallback(context_, on_connect);
  redisAsyncSetDisconnectCallback(context_, on_disconnect);
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisConnection*>(context->data);
  if (status != REDIS_OK) return self->lost(context->errstr ? context->errstr : "cannot connect");
  self->up_ = true;
  self->on_up_();
}

void RedisConnection::on_disconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisConnection*>(context->data);
  self->lost(status == REDIS_OK || !context->errstr ? "connection closed" : context->errstr);
}

void RedisConnection::lost(std::string why) {
  // hiredis frees its context after telling us: never touch it again.
  context_ = nullptr;
  up_ = false;
  if (closing_ || !on_lost_) return;
  std::exchange(on_lost_, nullptr)(std::move(why));
}

void RedisConnection::command(const std::vector<std::string>& arguments, ReplyHandler handler) {
  if (!context_) {
    asio::post(executor_, [handler = std::move(handler)] { handler(nullptr); });
    return;
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& argument : arguments) {
    argv.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  auto owned = std::make_unique<ReplyHandler>(std::move(handler));
  if (redisAsyncCommandArgv(context_, on_reply, owned.get(), static_cast<int>(argv.size()),
                            argv.data(), lengths.data()) == REDIS_OK) {
    owned.release();  // hiredis hands it back to on_reply, exactly once
    return;
  }
  asio::post(executor_, [handler = std::move(*owned)] { handler(nullptr); });
}

void RedisConnection::on_reply(redisAsyncContext*, void* reply, void* privdata) {
  const std::unique_ptr<ReplyHandler> handler(static_cast<ReplyHandler*>(privdata));
  (*handler)(static_cast<const redisReply*>(reply));
}

}  // namespace chat::cluster
