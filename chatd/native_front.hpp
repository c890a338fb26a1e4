#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/client.hpp"
#include "chatd/hub.hpp"
#include "chatd/line_handler.hpp"
#include "chatd/line_sink.hpp"
#include "protocol/command.hpp"

namespace chat {

// chatd's own line protocol for one connection (docs/protocol.md): plain mode as in seed 002
// until the client sends RICH, then rich mode with acknowledgements, ids and events.
class NativeFront final : public LineHandler, public Client {
 public:
  NativeFront(Hub& hub, LineSink& sink);

  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_close() override;
  void deliver(const Delivery& delivery) override;

 private:
  void execute(const protocol::Command& command);
  void execute_as_user(const protocol::Command& command, const std::string& user_id);
  void log_in(const std::string& nickname);
  void log_out();
  // Acknowledges a command: "OK <VERB> fields" in rich mode; in plain mode only queries answer.
  void reply(protocol::Verb verb, const std::vector<std::string>& fields = {});
  void reply_error(std::optional<protocol::Verb> verb, protocol::Error error);
  void reply_outcome(protocol::Verb verb, const Hub::RoomResult& result);
  void send_line(std::string line);

  Hub& hub_;
  LineSink& sink_;
  Dialect dialect_ = Dialect::plain;
  std::optional<std::string> user_id_;
  bool quitting_ = false;
};

}  // namespace chat
