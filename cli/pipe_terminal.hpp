#pragma once

#include <array>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>

#include "cli/terminal.hpp"
#include "protocol/line_reader.hpp"

namespace chat::cli {

// stdin and stdout without a person at a terminal: lines are read only while input is enabled,
// so a script's commands go out one at a time as the client is ready for them; output is plain.
class PipeTerminal final : public Terminal {
 public:
  explicit PipeTerminal(asio::io_context& io);
  ~PipeTerminal() override;

  void start(LineHandler on_line, EndHandler on_end) override;
  void stop() override;
  bool interactive() const override { return false; }
  void show(std::string_view line) override;
  void note(std::string_view line) override;
  void set_prompt(std::string_view) override {}
  void set_completer(Completer) override {}
  void set_input_enabled(bool enabled) override;

 private:
  void pump();  // hands over buffered lines while enabled, then reads more
  void read();

  asio::posix::stream_descriptor input_;
  protocol::LineReader reader_;
  std::array<char, 16 * 1024> buffer_;
  LineHandler on_line_;
  EndHandler on_end_;
  bool enabled_ = false;
  bool reading_ = false;
  bool at_end_ = false;  // stdin ended; the lines still buffered come first
  bool end_reported_ = false;
  bool stopped_ = false;
};

}  // namespace chat::cli
