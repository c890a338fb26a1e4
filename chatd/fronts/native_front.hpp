#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/accounts/accounts.hpp"
#include "chatd/hub/client.hpp"
#include "chatd/hub/flood_control.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/net/fifo.hpp"
#include "chatd/net/line_handler.hpp"
#include "chatd/net/line_sink.hpp"
#include "protocol/command.hpp"

namespace chat {

// chatd's own line protocol for one connection (docs/protocol.md): plain mode as in seed 002
// until the client sends RICH, then rich mode with acknowledgements, ids and events. A command
// that waits (for the store or a password hash) pauses the connection's input until answered.
class NativeFront final : public LineHandler, public Client {
 public:
  NativeFront(Hub& hub, Accounts& accounts, LineSink& sink, const FloodLimits& flood_limits);

  // What a client refused a session is told (Server::RefusalLine).
  static std::string refusal_line(protocol::Error reason);

  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_input_end() override;
  void on_idle() override;
  void on_login_deadline() override;
  void on_close() override;
  void deliver(const Delivery& delivery) override;
  bool wants_events() const override { return dialect_ != Dialect::plain; }

 private:
  void execute(const protocol::Command& command);
  void execute_as_user(const protocol::Command& command, const std::string& user_id);
  void log_in(const std::string& nickname);
  void rename(const std::string& nickname);
  void log_in_to_account(const protocol::Command& command);
  // A new session token for the account just logged in to, then logged_in().
  void start_session(protocol::Verb verb);
  // Answers a login (OK LOGIN with the token) and sends what was kept for the account.
  void logged_in(const std::string& token);
  void authorize(const protocol::Command& command);
  void sign_in(const protocol::Command& command);
  void finish_sign_in(const protocol::Command& command);
  void link_identity(const oidc::SocialSignIn::Completed& completed);
  void sign_up(const oidc::Identity& identity);
  void create_signed_up_account(const oidc::Identity& identity);
  void register_account(const protocol::Command& command, const std::string& user_id);
  void change_password(const protocol::Command& command, const std::string& user_id);
  void send_history(const protocol::Command& command, const std::string& user_id);
  void log_out();
  // Acknowledges a command: "OK <VERB> fields" in rich mode; in plain mode only queries answer.
  void reply(protocol::Verb verb, const std::vector<std::string>& fields = {});
  void reply_error(std::optional<protocol::Verb> verb, protocol::Error error);
  void reply_outcome(protocol::Verb verb, const Hub::RoomResult& result);
  // Queues a line of the current command's answer.
  void send_line(std::string line);
  void send_line(std::shared_ptr<const std::string> line);
  // A command's place in the answers: its lines go there, in order, whenever they come.
  void begin_answer();
  void end_answer();
  // Sends the answers that are complete, in command order, up to the first still waiting.
  void flush_answers();
  // A callback for a command whose answer waits (for the store, a password hash): it runs only
  // while this connection is open, and its lines go into that command's place in the answers.
  // `pause` holds the commands after it until it has run, for those whose effect the next
  // commands depend on (a login); messages do not, so that one connection can have several
  // in the store's next batch.
  template <typename Value, typename Handler>
  std::function<void(Value)> answer(Handler handler, bool pause = true);

  // Flood control: a command that overdraws its class's bucket holds this connection's input.
  void charge(CommandClass kind, double cost = 1);

  Hub& hub_;
  Accounts& accounts_;
  LineSink& sink_;
  FloodControl flood_;
  Dialect dialect_ = Dialect::plain;
  std::optional<std::string> user_id_;
  std::string token_;  // the session token this connection logged in with, if any
  bool quitting_ = false;
  std::shared_ptr<int> open_ = std::make_shared<int>();  // reset when the connection closes

  // Every command gets its answer in the order sent, even when an earlier one waits longer.
  struct Answer {
    std::vector<std::shared_ptr<const std::string>> lines;
    unsigned waiting = 0;  // callbacks still to run, plus 1 while the command is being executed
  };
  Fifo<Answer> answers_;
  std::uint64_t first_answer_ = 0;  // the sequence number of answers_.front()
  std::uint64_t writing_ = 0;       // the answer that send_line() adds to
  // Messages sent and not yet stored; at the limit the connection's input waits.
  unsigned messages_in_flight_ = 0;
  static constexpr unsigned max_messages_in_flight = 64;
};

}  // namespace chat
