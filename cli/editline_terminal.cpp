#include "cli/editline_terminal.hpp"

#include <editline/readline.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <memory>

namespace chat::cli {
namespace {

// The terminal libedit's C callbacks report to (see the class comment).
EditlineTerminal* current = nullptr;

void line_callback(char* line) { current->take_line(line); }

char* completion_callback(const char* word, int state) {
  return current->next_completion(word, state);
}

struct FreeWithFree {
  void operator()(char* text) const { std::free(text); }
};

// Keys handled per turn of the event loop, so that a large paste cannot starve the socket.
constexpr int keys_per_turn = 256;

enum class Keyboard { idle, key_waiting, gone };

Keyboard keyboard_state() {
  pollfd input{STDIN_FILENO, POLLIN, 0};
  if (::poll(&input, 1, 0) <= 0) return Keyboard::idle;
  if (input.revents & (POLLHUP | POLLERR | POLLNVAL)) return Keyboard::gone;
  return (input.revents & POLLIN) ? Keyboard::key_waiting : Keyboard::idle;
}

// Columns the text takes on screen; libedit shows control characters as two (^X).
std::size_t display_width(std::string_view text) {
  std::mbstate_t state{};
  std::size_t width = 0;
  while (!text.empty()) {
    wchar_t wide = 0;
    const auto length = std::mbrtowc(&wide, text.data(), text.size(), &state);
    if (length == static_cast<std::size_t>(-1) || length == static_cast<std::size_t>(-2)) {
      state = {};
      ++width;
      text.remove_prefix(1);
      continue;
    }
    const int columns = ::wcwidth(wide);
    width += columns < 0 ? 2 : static_cast<std::size_t>(columns);
    text.remove_prefix(length == 0 ? 1 : length);
  }
  return width;
}

std::size_t screen_columns() {
  int rows = 0;
  int columns = 0;
  rl_get_screen_size(&rows, &columns);
  return columns > 0 ? static_cast<std::size_t>(columns) : 80;
}

}  // namespace

EditlineTerminal::EditlineTerminal(asio::io_context& io)
    : keyboard_(io, ::dup(STDIN_FILENO)), signals_(io) {}

EditlineTerminal::~EditlineTerminal() { stop(); }

void EditlineTerminal::start(LineHandler on_line, EndHandler on_end) {
  on_line_ = std::move(on_line);
  on_end_ = std::move(on_end);
  current = this;
  active_ = true;
  rl_readline_name = "chat";  // for "chat:" lines in ~/.editrc
  // Signals are the io_context's: libedit's own handlers would re-raise them at the whole
  // process group.
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_completion_entry_function = completion_callback;
  rl_callback_handler_install(prompt_.c_str(), line_callback);
  signals_.add(SIGWINCH);
  signals_.add(SIGCONT);
  watch_signals();
  wait_for_keys();
}

void EditlineTerminal::stop() {
  if (!active_) return;
  active_ = false;
  hide_input(rows_above_cursor());
  std::fflush(stdout);
  rl_callback_handler_remove();  // back to the terminal mode we started in
  asio::error_code ignored;
  keyboard_.close(ignored);
  signals_.cancel(ignored);
  current = nullptr;
}

void EditlineTerminal::wait_for_keys() {
  keyboard_.async_wait(asio::posix::descriptor_base::wait_read, [this](asio::error_code error) {
    if (!error && active_) read_keys();
  });
}

void EditlineTerminal::read_keys() {
  // libedit reads one byte per call and Asio's epoll reports readiness once per arrival, so
  // everything already waiting is read before waiting again.
  for (int i = 0; i < keys_per_turn; ++i) {
    switch (keyboard_state()) {
      case Keyboard::idle:
        wait_for_keys();
        return;
      case Keyboard::gone:
        on_end_();
        return;
      case Keyboard::key_waiting:
        rl_callback_read_char();
        if (!active_) return;
        break;
    }
  }
  asio::post(keyboard_.get_executor(), [this] {
    if (active_) read_keys();
  });
}

void EditlineTerminal::watch_signals() {
  signals_.async_wait([this](asio::error_code error, int signal) {
    if (error || !active_) return;
    if (signal == SIGWINCH) {
      rl_resize_terminal();
    } else {
      // Back from Ctrl-Z: the shell may have reset the terminal's mode meanwhile.
      rl_deprep_terminal();
      rl_prep_terminal(0);
      rl_forced_update_display();
    }
    watch_signals();
  });
}

void EditlineTerminal::take_line(char* raw) {
  const std::unique_ptr<char, FreeWithFree> line(raw);
  if (!line) {  // Ctrl-D on an empty line
    hide_input(rows_above_cursor());
  } else {
    // libedit has moved below the finished line; it goes, since chatd's echo of it will follow.
    hide_input(rows_of(line.get()));
    if (*line) add_history(line.get());
  }
  // libedit leaves its callback mode once a line is done; this starts the next line.
  rl_callback_handler_install(prompt_.c_str(), line_callback);
  if (line) {
    on_line_(std::string(line.get()));
  } else {
    on_end_();
  }
}

char* EditlineTerminal::next_completion(const char* word, int state) {
  if (state == 0) {
    completions_ = completer_ ? completer_(word) : std::vector<std::string>{};
    next_completion_ = 0;
  }
  if (next_completion_ >= completions_.size()) return nullptr;
  return ::strdup(completions_[next_completion_++].c_str());  // libedit frees it
}

std::size_t EditlineTerminal::rows_of(std::string_view typed) const {
  return (display_width(prompt_) + display_width(typed)) / screen_columns() + 1;
}

std::size_t EditlineTerminal::rows_above_cursor() const {
  const std::string_view before_cursor(rl_line_buffer ? rl_line_buffer : "",
                                       rl_line_buffer ? static_cast<std::size_t>(rl_point) : 0);
  return rows_of(before_cursor) - 1;
}

void EditlineTerminal::hide_input(std::size_t rows_up) {
  // To the start of the prompt's row, then clear to the end of the screen.
  if (rows_up > 0) fmt::print("\x1b[{}A", rows_up);
  fmt::print("\r\x1b[J");
}

void EditlineTerminal::show(std::string_view line) {
  if (!active_) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
    return;
  }
  hide_input(rows_above_cursor());
  fmt::print("{}\n", line);
  rl_forced_update_display();  // prompt and typed text again, cursor where it was
  std::fflush(stdout);
}

void EditlineTerminal::set_prompt(std::string_view prompt) {
  if (prompt == prompt_) return;
  if (!active_) {
    prompt_ = prompt;
    return;
  }
  hide_input(rows_above_cursor());
  prompt_ = prompt;
  rl_set_prompt(prompt_.c_str());
  rl_forced_update_display();
  std::fflush(stdout);
}

}  // namespace chat::cli
