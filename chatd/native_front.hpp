#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/accounts/accounts.hpp"
#include "chatd/client.hpp"
#include "chatd/hub.hpp"
#include "chatd/line_handler.hpp"
#include "chatd/line_sink.hpp"
#include "protocol/command.hpp"

namespace chat {

// chatd's own line protocol for one connection (docs/protocol.md): plain mode as in seed 002
// until the client sends RICH, then rich mode with acknowledgements, ids and events. A command
// that waits (for the store or a password hash) pauses the connection's input until answered.
class NativeFront final : public LineHandler, public Client {
 public:
  NativeFront(Hub& hub, Accounts& accounts, LineSink& sink);

  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_close() override;
  void deliver(const Delivery& delivery) override;

 private:
  void execute(const protocol::Command& command);
  void execute_as_user(const protocol::Command& command, const std::string& user_id);
  void log_in(const std::string& nickname);
  void log_in_to_account(const protocol::Command& command);
  void register_account(const protocol::Command& command, const std::string& user_id);
  void change_password(const protocol::Command& command, const std::string& user_id);
  void send_history(const protocol::Command& command, const std::string& user_id);
  void log_out();
  // Acknowledges a command: "OK <VERB> fields" in rich mode; in plain mode only queries answer.
  void reply(protocol::Verb verb, const std::vector<std::string>& fields = {});
  void reply_error(std::optional<protocol::Verb> verb, protocol::Error error);
  void reply_outcome(protocol::Verb verb, const Hub::RoomResult& result);
  void send_line(std::string line);
  // A callback for a command that paused input: it runs only while this connection is open,
  // and input resumes after it.
  template <typename Value, typename Handler>
  std::function<void(Value)> answer(Handler handler);

  Hub& hub_;
  Accounts& accounts_;
  LineSink& sink_;
  Dialect dialect_ = Dialect::plain;
  std::optional<std::string> user_id_;
  std::string token_;  // the session token this connection logged in with, if any
  bool quitting_ = false;
  std::shared_ptr<int> open_ = std::make_shared<int>();  // reset when the connection closes
};

}  // namespace chat
