#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/signal_set.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "cli/terminal.hpp"

// libedit's EditLine and History, from <histedit.h>.
struct editline;
struct history;

namespace chat::cli {

// A person at a terminal: libedit edits the line (history, Tab completion) through its native
// API in unbuffered mode, so that the io_context can hand it one key at a time whenever a key is
// waiting and the chat goes on while a line is typed. Output arriving while a line is half typed
// goes above it: the prompt and the typed text are taken off the screen, the output printed, and
// libedit draws them again as they were.
//
// stdin's file description is shared with the shell, so it is never made non-blocking: libedit
// reads it blocking, and the io_context only waits for keys on a second, private opening of the
// same terminal.
class EditlineTerminal final : public Terminal {
 public:
  explicit EditlineTerminal(asio::io_context& io);
  ~EditlineTerminal() override;

  void start(LineHandler on_line, EndHandler on_end) override;
  void stop() override;
  bool interactive() const override { return true; }
  void show(std::string_view line) override;
  void note(std::string_view line) override { show(line); }
  void set_prompt(std::string_view prompt) override;
  void set_completer(Completer completer) override { completer_ = std::move(completer); }
  void set_input_enabled(bool) override {}

 private:
  struct EndEditor {
    void operator()(struct editline* editor) const;
  };
  struct EndHistory {
    void operator()(struct history* lines) const;
  };

  // libedit's callbacks, led back to the terminal by its EL_CLIENTDATA.
  static EditlineTerminal& of(struct editline* editor);
  static char* prompt_callback(struct editline* editor);
  static unsigned char complete_callback(struct editline* editor, int key);

  void wait_for_keys();
  void read_keys();
  void edit_one_key();
  void start_new_line();
  unsigned char complete_word();
  void watch_signals();
  void hide_input(std::size_t rows_up);
  std::size_t screen_columns() const;
  std::size_t rows_above_cursor() const;

  asio::posix::stream_descriptor keyboard_;
  asio::signal_set signals_;
  std::unique_ptr<struct history, EndHistory> history_;
  std::unique_ptr<struct editline, EndEditor> editor_;  // while started
  std::string prompt_;
  LineHandler on_line_;
  EndHandler on_end_;
  Completer completer_;
};

}  // namespace chat::cli
