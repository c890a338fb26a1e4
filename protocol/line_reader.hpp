#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chat::protocol {

// One result of LineReader::next(): a complete line, or notice that a line exceeded the limit.
struct LineEvent {
  enum class Kind { line, too_long };
  Kind kind;
  std::string text;  // without the terminator; empty for too_long
};

// Splits a byte stream that arrives in arbitrary chunks into lines ended by '\n' (a '\r' before
// it is dropped). Bytes are passed through untouched: validating them is the parser's job.
// Memory stays bounded: a line longer than max_length is discarded up to its newline and
// reported once as too_long, after which reading resumes with the next line.
class LineReader {
 public:
  explicit LineReader(std::size_t max_length);

  void append(std::string_view bytes);
  // The next complete line or too_long notice; nullopt when more bytes are needed.
  std::optional<LineEvent> next();
  // Bytes held for lines still incomplete, counting spare capacity.
  std::size_t memory() const { return buffer_.capacity(); }

 private:
  // Forgets every byte held, and gives back a large buffer's memory.
  void empty_buffer();

  std::size_t max_length_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes at the front of buffer_ already returned
  bool discarding_ = false;   // inside an over-long line, dropping bytes until its newline
};

}  // namespace chat::protocol
