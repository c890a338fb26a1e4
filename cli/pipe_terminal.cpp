#include "cli/pipe_terminal.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <cstdio>
#include <utility>

namespace chat::cli {
namespace {

// Generous for a chat line; chatd refuses what is longer than its own limit anyway.
constexpr std::size_t max_input_line = 64 * 1024;

}  // namespace

PipeTerminal::PipeTerminal(asio::io_context& io)
    : input_(io, ::dup(STDIN_FILENO)), reader_(max_input_line) {}

PipeTerminal::~PipeTerminal() { stop(); }

void PipeTerminal::start(LineHandler on_line, EndHandler on_end) {
  on_line_ = std::move(on_line);
  on_end_ = std::move(on_end);
}

void PipeTerminal::stop() {
  if (std::exchange(stopped_, true)) return;
  // Asio made the descriptor non-blocking, and the flag belongs to the file description that
  // stdin shares with whoever started us (a shell's terminal, say): hand it back as it was.
  asio::error_code ignored;
  input_.native_non_blocking(false, ignored);
  input_.close(ignored);
}

void PipeTerminal::show(std::string_view line) {
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

void PipeTerminal::note(std::string_view line) { fmt::print(stderr, "{}\n", line); }

void PipeTerminal::set_input_enabled(bool enabled) {
  enabled_ = enabled;
  // Posted: this is often called from inside on_line_, in the middle of pump().
  if (enabled_) asio::post(input_.get_executor(), [this] { pump(); });
}

void PipeTerminal::pump() {
  while (enabled_ && !stopped_) {
    auto event = reader_.next();
    if (!event) break;
    if (event->kind == protocol::LineEvent::Kind::too_long) {
      note(fmt::format("!! input line longer than {} bytes skipped", max_input_line));
      continue;
    }
    on_line_(std::move(event->text));
  }
  if (!enabled_ || stopped_ || reading_) return;
  if (at_end_) {
    if (!std::exchange(end_reported_, true)) on_end_();
    return;
  }
  read();
}

void PipeTerminal::read() {
  reading_ = true;
  input_.async_read_some(asio::buffer(buffer_), [this](asio::error_code error, std::size_t length) {
    reading_ = false;
    if (stopped_) return;
    if (error) {
      at_end_ = true;
      reader_.append("\n");  // a last line without its newline still counts
    } else {
      reader_.append(std::string_view(buffer_.data(), length));
    }
    pump();
  });
}

}  // namespace chat::cli
