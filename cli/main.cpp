#include <fmt/format.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <clocale>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string_view>

#include "cli/chat_client.hpp"
#include "cli/display.hpp"
#include "cli/editline_terminal.hpp"
#include "cli/options.hpp"
#include "cli/pipe_terminal.hpp"

namespace {

// A person at a terminal, typing and reading; anything else is a script.
bool at_terminal() { return ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO); }

// Colours for a person's terminal only, and not for those who ask for none (no-color.org).
bool wants_colour() {
  const char* term = std::getenv("TERM");
  return at_terminal() && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::string_view(term) != "dumb";
}

}  // namespace

int main(int argc, char** argv) {
  // libedit and the width of typed text follow the user's character encoding.
  std::setlocale(LC_CTYPE, "");

  const auto parsed = chat::cli::parse_options(argc, argv);
  if (std::holds_alternative<chat::cli::ShowUsage>(parsed)) {
    fmt::print("{}", chat::cli::usage());
    return 0;
  }
  if (const auto* error = std::get_if<chat::cli::OptionsError>(&parsed)) {
    fmt::print(stderr, "chat: {}\n{}", error->message, chat::cli::usage());
    return 2;
  }
  const auto& options = std::get<chat::cli::Options>(parsed);

  try {
    asio::io_context io;
    std::unique_ptr<chat::cli::Terminal> terminal;
    if (at_terminal()) {
      terminal = std::make_unique<chat::cli::EditlineTerminal>(io);
    } else {
      terminal = std::make_unique<chat::cli::PipeTerminal>(io);
    }
    chat::cli::ChatClient client(io, options, *terminal,
                                 chat::cli::Display({wants_colour(), options.utc}));
    client.start();
    io.run();
    return client.exit_status();
  } catch (const std::exception& error) {
    fmt::print(stderr, "chat: {}\n", error.what());
    return 1;
  }
}
