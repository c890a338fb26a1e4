#pragma once

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/connection.hpp"
#include "cli/display.hpp"
#include "cli/options.hpp"
#include "cli/roster.hpp"
#include "cli/terminal.hpp"
#include "protocol/command.hpp"
#include "protocol/server_line.hpp"

namespace chat::cli {

// The console client: logs in over the connection, turns what the person types into chatd
// commands, shows what chatd sends, and gets back to where it was after a reconnect (same
// nickname, same rooms). chatd answers every rich-mode command once and in order, so a queue of
// the commands sent tells which command each OK or ERROR answers.
class ChatClient {
 public:
  ChatClient(asio::io_context& io, const Options& options, Terminal& terminal, Display display);

  void start();
  int exit_status() const { return exit_status_; }

 private:
  enum class Phase {
    asking_nickname,  // waiting for the person (or the script's first line) to give one
    connecting,       // has a nickname, waits for the connection
    logging_in,       // USERNAME, LOGIN or RESUME sent
    ready,            // logged in
  };
  // Who wanted a command: the person (answers are shown), the client itself (quiet), or the
  // client getting back into a room after a reconnect (the conversation stays where it was).
  enum class Origin { person, client, rejoin };
  struct Pending {
    protocol::Command command;
    Origin origin;
  };

  void on_connected();
  void on_server_line(std::string_view line);
  void on_connection_lost(const std::string& reason, bool was_connected,
                          std::chrono::milliseconds retry_in, int failures);

  void on_input(const std::string& line);
  // A whole input: one line, or the lines of a message continued with backslashes.
  void on_whole_input(const std::string& line);
  void on_nickname_input(std::string_view line);
  void on_input_end();

  void on_reply(const protocol::Reply& reply, const Pending& pending);
  void on_error(const protocol::ErrorReply& error, const Pending& pending);
  void on_event(const protocol::Event& event);
  void on_logged_in(const std::string& nickname);

  void show_help();
  void send(protocol::Command command, Origin origin);
  void log_in();
  void ask_nickname(std::string_view why);
  void switch_to(protocol::Target target);
  void remember_room(const std::string& room);
  void forget_room(std::string_view room);
  void quit();
  void fail(std::string_view message, int status);
  void finish(int status);
  void update_prompt();
  void update_input();
  std::vector<std::string> complete(std::string_view word) const;

  asio::io_context& io_;
  Terminal& terminal_;
  Display display_;
  Connection connection_;
  asio::signal_set signals_;
  Roster roster_;
  std::deque<Pending> pending_;
  Phase phase_ = Phase::asking_nickname;
  std::optional<std::string> nickname_;  // logged in as, or to log in as
  std::optional<std::string> password_;  // for a LOGIN the person asked for, until answered
  std::optional<std::string> token_;     // the account's session: reconnects RESUME with it
  std::vector<std::string> rooms_;       // joined, or to join once logged in
  protocol::Target conversation_;        // where plain lines go
  bool rejoining_ = false;               // the next login follows a lost connection
  bool ever_logged_in_ = false;
  bool input_ended_ = false;
  // The lines so far of a message being typed over several (each ended with a backslash).
  std::string continued_;
  bool quitting_ = false;
  int exit_status_ = 0;
};

}  // namespace chat::cli
