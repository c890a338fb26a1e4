#include "cli/editline_terminal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <histedit.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <asio/post.hpp>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cwchar>
#include <cwctype>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

namespace chat::cli {
namespace {

// Keys handled per turn of the event loop, so that a large paste cannot starve the socket.
constexpr int keys_per_turn = 256;
constexpr int history_size = 500;
// What libedit puts in the line, in unbuffered mode, for Ctrl-D on an empty line.
constexpr wchar_t end_of_input = L'\x04';

int open_keyboard() {
  const char* name = ::ttyname(STDIN_FILENO);
  const int descriptor = ::open(name ? name : "/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
  if (descriptor < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open the terminal");
  }
  return descriptor;
}

enum class Keyboard { idle, key_waiting, gone };

Keyboard keyboard_state() {
  pollfd input{STDIN_FILENO, POLLIN, 0};
  if (::poll(&input, 1, 0) <= 0) return Keyboard::idle;
  if (input.revents & (POLLHUP | POLLERR | POLLNVAL)) return Keyboard::gone;
  return (input.revents & POLLIN) ? Keyboard::key_waiting : Keyboard::idle;
}

std::string to_multibyte(std::wstring_view text) {
  std::string bytes;
  std::mbstate_t state{};
  char encoded[MB_LEN_MAX];
  for (const wchar_t character : text) {
    const auto length = std::wcrtomb(encoded, character, &state);
    if (length != static_cast<std::size_t>(-1)) bytes.append(encoded, length);
  }
  return bytes;
}

// Where libedit's drawing of a line leaves the cursor, counted in rows below the prompt's. It
// moves a character that does not fit to the next row, goes to the next row as soon as one is
// full, shows a TAB as spaces up to a multiple of 8, a control character as ^X and other
// unprintable ones as \U+XXXX.
class Layout {
 public:
  explicit Layout(std::size_t columns) : columns_(columns) {}

  void add(std::string_view ascii) {
    for (std::size_t i = 0; i < ascii.size(); ++i) put(1);
  }
  void add(std::wstring_view text) {
    for (const wchar_t character : text) add(character);
  }
  std::size_t row() const { return row_; }

 private:
  void add(wchar_t character) {
    if (character == L'\t') {
      do put(1);
      while (column_ % 8 != 0);
    } else if (character < 0x100 && std::iswcntrl(static_cast<wint_t>(character))) {
      put(1);
      put(1);
    } else if (std::iswprint(static_cast<wint_t>(character))) {
      put(static_cast<std::size_t>(std::max(::wcwidth(character), 0)));
    } else {
      for (int cell = 0; cell < (character > 0xffff ? 8 : 7); ++cell) put(1);
    }
  }
  void put(std::size_t width) {
    if (column_ + width > columns_) next_row();
    column_ += width;
    if (column_ >= columns_) next_row();
  }
  void next_row() {
    ++row_;
    column_ = 0;
  }

  std::size_t columns_;
  std::size_t row_ = 0;
  std::size_t column_ = 0;
};

std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& word : words) {
    std::size_t same = 0;
    while (same < prefix.size() && same < word.size() && prefix[same] == word[same]) ++same;
    prefix.resize(same);
  }
  return prefix;
}

}  // namespace

void EditlineTerminal::EndEditor::operator()(EditLine* editor) const { ::el_end(editor); }
void EditlineTerminal::EndHistory::operator()(History* lines) const { ::history_end(lines); }

EditlineTerminal::EditlineTerminal(asio::io_context& io)
    : keyboard_(io, open_keyboard()), signals_(io) {}

EditlineTerminal::~EditlineTerminal() { stop(); }

EditlineTerminal& EditlineTerminal::of(EditLine* editor) {
  void* terminal = nullptr;
  ::el_get(editor, EL_CLIENTDATA, &terminal);
  return *static_cast<EditlineTerminal*>(terminal);
}

char* EditlineTerminal::prompt_callback(EditLine* editor) {
  return of(editor).prompt_.data();  // libedit only reads it
}

unsigned char EditlineTerminal::complete_callback(EditLine* editor, int) {
  return of(editor).complete_word();
}

void EditlineTerminal::start(LineHandler on_line, EndHandler on_end) {
  on_line_ = std::move(on_line);
  on_end_ = std::move(on_end);
  history_.reset(::history_init());
  editor_.reset(::el_init("chat", stdin, stdout, stderr));  // "chat:" lines in ~/.editrc
  if (!history_ || !editor_) throw std::runtime_error("libedit failed to start");
  HistEvent event;
  ::history(history_.get(), &event, H_SETSIZE, history_size);
  ::history(history_.get(), &event, H_SETUNIQUE, 1);

  auto* editor = editor_.get();
  ::el_set(editor, EL_CLIENTDATA, this);
  ::el_set(editor, EL_EDITOR, "emacs");
  // Signals are the io_context's: libedit's handlers would draw from inside the handler and
  // re-raise the signal at the whole process group.
  ::el_set(editor, EL_SIGNAL, 0);
  ::el_set(editor, EL_PROMPT, &EditlineTerminal::prompt_callback);
  ::el_set(editor, EL_HIST, &::history, history_.get());
  ::el_set(editor, EL_ADDFN, "chat-complete", "complete a command, nickname or #room",
           &EditlineTerminal::complete_callback);
  ::el_set(editor, EL_BIND, "^I", "chat-complete", nullptr);
  // The incremental search usually on Ctrl-R reads the keys that follow by itself, which would
  // hold up the chat until it ends; this search takes what is typed as the pattern instead.
  ::el_set(editor, EL_BIND, "^R", "ed-search-prev-history", nullptr);
  ::el_source(editor, nullptr);
  ::el_set(editor, EL_UNBUFFERED, 1);  // raw mode, and the prompt drawn
  std::fflush(stdout);

  signals_.add(SIGWINCH);
  signals_.add(SIGCONT);
  watch_signals();
  wait_for_keys();
}

void EditlineTerminal::stop() {
  if (!editor_) return;
  hide_input(rows_above_cursor());
  std::fflush(stdout);
  editor_.reset();  // el_end: back to the terminal mode we started in
  asio::error_code ignored;
  keyboard_.close(ignored);
  signals_.cancel(ignored);
}

void EditlineTerminal::wait_for_keys() {
  keyboard_.async_wait(asio::posix::descriptor_base::wait_read, [this](asio::error_code error) {
    if (!error && editor_) read_keys();
  });
}

void EditlineTerminal::read_keys() {
  // libedit reads stdin a byte at a time, so everything already waiting is handled before
  // waiting again: readiness is reported once per arrival.
  for (int i = 0; i < keys_per_turn; ++i) {
    switch (keyboard_state()) {
      case Keyboard::idle:
        wait_for_keys();
        return;
      case Keyboard::gone:
        on_end_();
        return;
      case Keyboard::key_waiting:
        edit_one_key();
        if (!editor_) return;
        break;
    }
  }
  asio::post(keyboard_.get_executor(), [this] {
    if (editor_) read_keys();
  });
}

void EditlineTerminal::edit_one_key() {
  // Unbuffered, libedit handles one key (or key sequence) per call and returns the whole line
  // so far; a finished line ends with the newline, Ctrl-D on an empty one is the line "^D".
  int length = 0;
  const wchar_t* text = ::el_wgets(editor_.get(), &length);
  if (text == nullptr || length <= 0) return;
  std::wstring_view typed(text, static_cast<std::size_t>(length));
  if (typed == std::wstring_view(&end_of_input, 1)) {
    hide_input(rows_above_cursor());
    start_new_line();
    on_end_();
    return;
  }
  if (typed.back() != L'\n') return;
  typed.remove_suffix(1);
  // libedit has moved below the finished line; it goes, since chatd's echo of it will follow.
  Layout layout(screen_columns());
  layout.add(prompt_);
  layout.add(typed);
  hide_input(layout.row() + 1);
  auto line = to_multibyte(typed);
  if (!line.empty()) {
    HistEvent event;
    ::history(history_.get(), &event, H_ENTER, line.c_str());
  }
  start_new_line();
  on_line_(std::move(line));
}

void EditlineTerminal::start_new_line() {
  // Leaving unbuffered mode and entering it again is libedit's way to an empty line, with the
  // history back at its end and the prompt drawn.
  ::el_set(editor_.get(), EL_UNBUFFERED, 0);
  ::el_set(editor_.get(), EL_UNBUFFERED, 1);
  std::fflush(stdout);
}

unsigned char EditlineTerminal::complete_word() {
  const LineInfoW* line = ::el_wline(editor_.get());
  const std::wstring_view before_cursor(line->buffer,
                                        static_cast<std::size_t>(line->cursor - line->buffer));
  const auto space = before_cursor.find_last_of(L" \t");
  auto word = before_cursor.substr(space == std::wstring_view::npos ? 0 : space + 1);
  if (word.starts_with(L'@')) word.remove_prefix(1);  // "@nick": the nickname is completed
  const auto typed = to_multibyte(word);
  const auto matches = completer_ ? completer_(typed) : std::vector<std::string>{};
  if (matches.empty()) return CC_ERROR;  // a beep

  const auto replace_word = [&](const std::string& text) {
    ::el_deletestr(editor_.get(), static_cast<int>(word.size()));
    ::el_insertstr(editor_.get(), text.c_str());
    return static_cast<unsigned char>(CC_REFRESH);
  };
  if (matches.size() == 1) return replace_word(matches.front() + " ");
  const auto common = common_prefix(matches);
  if (common.size() > typed.size()) return replace_word(common);
  std::string choices;
  for (const auto& match : matches) choices += fmt::format("{}  ", match);
  show(choices);
  return CC_NORM;  // show() has drawn the line again
}

void EditlineTerminal::watch_signals() {
  signals_.async_wait([this](asio::error_code error, int signal) {
    if (error || !editor_) return;
    if (signal == SIGWINCH) {
      ::el_resize(editor_.get());
    } else {
      // Back from Ctrl-Z: the shell may have reset the terminal's mode meanwhile.
      ::el_set(editor_.get(), EL_PREP_TERM, 0);
      ::el_set(editor_.get(), EL_PREP_TERM, 1);
      ::el_set(editor_.get(), EL_REFRESH);
      std::fflush(stdout);
    }
    watch_signals();
  });
}

std::size_t EditlineTerminal::screen_columns() const {
  int columns = 0;
  ::el_get(editor_.get(), EL_GETTC, "co", &columns);
  return columns > 0 ? static_cast<std::size_t>(columns) : 80;
}

std::size_t EditlineTerminal::rows_above_cursor() const {
  // Read from libedit each time: its buffer moves as the line grows.
  const LineInfoW* line = ::el_wline(editor_.get());
  Layout layout(screen_columns());
  layout.add(prompt_);  // ASCII: a nickname or a room name
  layout.add(
      std::wstring_view(line->buffer, static_cast<std::size_t>(line->cursor - line->buffer)));
  return layout.row();
}

void EditlineTerminal::hide_input(std::size_t rows_up) {
  // To the start of the prompt's row, then clear to the end of the screen.
  if (rows_up > 0) fmt::print("\x1b[{}A", rows_up);
  fmt::print("\r\x1b[J");
}

void EditlineTerminal::show(std::string_view line) {
  if (!editor_) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
    return;
  }
  hide_input(rows_above_cursor());
  fmt::print("{}\n", line);
  ::el_set(editor_.get(), EL_REFRESH);  // prompt and typed text again, cursor where it was
  std::fflush(stdout);
}

void EditlineTerminal::set_prompt(std::string_view prompt) {
  if (prompt == prompt_) return;
  if (!editor_) {
    prompt_ = prompt;
    return;
  }
  hide_input(rows_above_cursor());
  prompt_ = prompt;
  ::el_set(editor_.get(), EL_REFRESH);
  std::fflush(stdout);
}

}  // namespace chat::cli
