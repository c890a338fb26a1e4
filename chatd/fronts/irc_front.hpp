#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/accounts/accounts.hpp"
#include "chatd/hub/client.hpp"
#include "chatd/hub/flood_control.hpp"
#include "chatd/hub/hub.hpp"
#include "chatd/net/line_handler.hpp"
#include "chatd/net/line_sink.hpp"
#include "protocol/irc_message.hpp"
#include "protocol/server_line.hpp"

namespace chat {

// IRC (RFC 1459/2812 with the IRCv3 capabilities listed in docs/protocol.md) for one
// connection, on the same hub as the native front: a standard IRC client shares the rooms, the
// private messages and the nicknames with nc, the console client and browsers. It translates
// and keeps only what IRC needs per connection (registration, capabilities, the channels this
// client was told it is in); everything else is the hub's. A command that waits for the store
// pauses the connection's input until it is answered, so answers stay in order.
class IrcFront final : public LineHandler, public Client {
 public:
  // `presence_limit`: connecting while this many users are online, the client sees &everyone
  // as an auditorium (no joins or quits of others; only itself in NAMES).
  IrcFront(Hub& hub, Accounts& accounts, LineSink& sink, const FloodLimits& flood_limits,
           std::size_t presence_limit);

  // What a client refused a session is told (Server::RefusalLine).
  static std::string refusal_line(protocol::Error reason);

  void on_line(std::string_view line) override;
  void on_line_too_long() override;
  void on_input_end() override;
  void on_idle() override;
  void on_login_deadline() override;
  void on_close() override;
  void deliver(const Delivery& delivery) override;
  bool wants_events() const override { return true; }
  bool wants_presence() const override { return everyone_presence_; }

 private:
  using Params = std::vector<std::string>;

  void execute(const protocol::irc::Message& message);
  void execute_registered(const protocol::irc::Message& message);
  void capability(const Params& params);
  // The capabilities this server offers (sasl only where there are accounts).
  bool offers(std::string_view capability) const;
  void set_capability(std::string_view capability, bool on);
  // SASL PLAIN before registration, against the accounts.
  void authenticate(const Params& params);
  void chathistory(const Params& params);
  // The latest messages of a channel just joined, for a client that will not ask itself.
  void play_back(const std::string& room);
  // History as a chathistory batch (or plain lines for a client without batch).
  void send_history(const std::string& target, const std::vector<protocol::ChatMessage>& messages);
  void try_register();
  void registration_refused(protocol::Error error);
  void welcome(const std::string& user_id, const std::string& nickname);
  // Registration completes as one more connection of an account.
  void welcome_account(const std::string& account_id);
  void join(const std::string& channels);
  void part(const std::string& channels, const std::string& reason);
  void tag_message(const protocol::irc::Message& message);
  void message(const protocol::irc::Message& message, bool notice);
  void names(const std::string& channel);
  // 332 and 333, or 331 when the room has no topic.
  void show_topic(const std::string& channel);
  void topic(const Params& params);
  void kick(const Params& params);
  void who(const std::string& mask);
  void whois(const std::string& nickname);
  void list();
  void links();
  void rename(const std::string& nickname);
  void rename_refused(const std::string& nickname, protocol::Error error);
  void renamed(const std::string& nickname);
  void quit(const std::string& reason);

  // ":chatd <numeric> <nick> params..."
  void reply(std::string_view numeric, Params params);
  void send(const protocol::irc::Message& message);
  void send_line(std::string line);
  std::string nick_or_star() const;
  // A callback that runs only while the connection is open; input resumes after it.
  template <typename Value, typename Handler>
  std::function<void(Value)> answer(Handler handler);

  // Flood control: a command that overdraws its class's bucket holds this connection's input.
  void charge(CommandClass kind, double cost = 1);

  Hub& hub_;
  Accounts& accounts_;
  LineSink& sink_;
  FloodControl flood_;
  std::optional<std::string> user_id_;
  std::string nickname_;  // as given with NICK, then as logged in
  std::string password_;  // PASS, for a registered nickname
  bool got_user_ = false;
  bool everyone_presence_;    // &everyone shows joins and quits (see the constructor)
  bool negotiating_ = false;  // between CAP LS/REQ and CAP END
  bool server_time_ = false;  // server-time + message-tags: lines carry @time and @msgid
  bool echo_message_ = false;
  bool message_tags_ = false;  // TAGMSG (typing) is for clients that asked for message-tags
  bool multi_prefix_ = false;
  bool away_notify_ = false;
  bool account_tag_ = false;  // also turns tagged lines on: @account rides with @time and @msgid //
                              // chat has one channel prefix (@), so this changes nothing shown
  bool batch_ = false;
  bool chathistory_ = false;  // draft/chathistory: the client asks for history itself
  bool sasl_ = false;
  bool sasl_plain_ = false;   // AUTHENTICATE PLAIN was accepted; credentials come next
  std::string sasl_payload_;  // base64 chunks so far
  std::optional<std::string> sasl_account_;  // authenticated, registration still to come
  unsigned batches_ = 0;
  bool quitting_ = false;
  bool ping_sent_ = false;          // the connection went idle and was PINGed; nothing since
  std::set<std::string> channels_;  // folded names of the rooms this client knows it is in
  std::shared_ptr<int> open_ = std::make_shared<int>();
};

}  // namespace chat
