#pragma once

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chat::cluster {

// One connection to Redis through hiredis's asynchronous API, driven by Asio: hiredis parses
// and queues, this watches its socket. hiredis 0.14 ships no Asio adapter, so the five event
// hooks are set here. Replies come in command order; once the connection is lost (or this is
// destroyed) every pending callback gets a null reply, and `on_lost` is told why (once, and not
// on destruction). Not reusable: make a new one to reconnect.
class RedisConnection {
 public:
  // nullptr: the connection went before an answer came.
  using ReplyHandler = std::function<void(const redisReply*)>;

  RedisConnection(asio::any_io_executor executor, std::function<void()> on_up,
                  std::function<void(std::string)> on_lost);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Starts connecting to an IP address (hiredis resolves names synchronously: resolve first).
  void connect(const std::string& ip, std::uint16_t port);
  bool up() const { return up_; }
  void command(const std::vector<std::string>& arguments, ReplyHandler handler);

 private:
  struct Watch;
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);
  void lost(std::string why);

  asio::any_io_executor executor_;
  std::function<void()> on_up_;
  std::function<void(std::string)> on_lost_;
  redisAsyncContext* context_ = nullptr;  // hiredis's; null once gone
  std::shared_ptr<Watch> watch_;
  bool up_ = false;
  bool closing_ = false;
};

}  // namespace chat::cluster
