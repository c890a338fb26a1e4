#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::cli {

// Where the person's lines come from and where the chat goes: a line editor on a terminal, or
// plain stdin/stdout for scripts.
class Terminal {
 public:
  using LineHandler = std::function<void(std::string line)>;
  using EndHandler = std::function<void()>;
  // The completions of a word being typed.
  using Completer = std::function<std::vector<std::string>(std::string_view word)>;

  virtual ~Terminal() = default;

  virtual void start(LineHandler on_line, EndHandler on_end) = 0;
  virtual void stop() = 0;  // restores the terminal; no more lines
  virtual bool interactive() const = 0;

  // The conversation: what chatd sent, and answers to what the person asked.
  virtual void show(std::string_view line) = 0;
  // Notes about the client itself (connection state, local mistakes): on a terminal they join the
  // conversation; a script gets them on stderr so that stdout holds only what chatd sent.
  virtual void note(std::string_view line) = 0;

  virtual void set_prompt(std::string_view prompt) = 0;
  virtual void set_completer(Completer completer) = 0;
  // Flow control for scripts: no lines are read while disabled. A person types regardless.
  virtual void set_input_enabled(bool enabled) = 0;
};

}  // namespace chat::cli
