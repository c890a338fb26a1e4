#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/signal_set.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "cli/terminal.hpp"

namespace chat::cli {

// A person at a terminal: libedit edits the line (history, Tab completion) through its
// readline-compatible callback interface, fed from the io_context whenever a key is waiting.
// Output arriving while a line is half typed goes above it: the prompt and the typed text are
// taken off the screen, the output printed, and libedit draws them again as they were.
//
// libedit's callback interface is C with no user data, so the one terminal started at a time is
// reachable from its callbacks through a pointer private to editline_terminal.cpp.
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

  // For the C callbacks.
  void take_line(char* line);
  char* next_completion(const char* word, int state);

 private:
  void wait_for_keys();
  void read_keys();
  void watch_signals();
  void hide_input(std::size_t input_rows);
  std::size_t rows_above_cursor() const;
  std::size_t rows_of(std::string_view typed) const;

  asio::posix::stream_descriptor keyboard_;
  asio::signal_set signals_;
  std::string prompt_;
  LineHandler on_line_;
  EndHandler on_end_;
  Completer completer_;
  std::vector<std::string> completions_;  // of the word being completed; libedit asks one by one
  std::size_t next_completion_ = 0;
  bool active_ = false;
};

}  // namespace chat::cli
