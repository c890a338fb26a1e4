#include "protocol/line_reader.hpp"

namespace chat::protocol {
namespace {

// What an emptied buffer may keep; past this, one long line's worth is given back, so that
// thousands of idle connections do not each hold the largest line they ever sent.
constexpr std::size_t kept_capacity = 4096;

}  // namespace

void LineReader::empty_buffer() {
  consumed_ = 0;
  if (buffer_.capacity() > kept_capacity) {
    std::string().swap(buffer_);
  } else {
    buffer_.clear();
  }
}

LineReader::LineReader(std::size_t max_length) : max_length_(max_length) {}

void LineReader::append(std::string_view bytes) {
  if (discarding_) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) return;
    discarding_ = false;
    bytes.remove_prefix(newline + 1);
  }
  if (consumed_ > 0 && consumed_ == buffer_.size()) empty_buffer();
  buffer_.append(bytes);
}

std::optional<LineEvent> LineReader::next() {
  const auto newline = buffer_.find('\n', consumed_);
  if (newline == std::string::npos) {
    // One byte of slack for the '\r' of a "\r\n" terminator that has not arrived yet.
    if (buffer_.size() - consumed_ > max_length_ + 1) {
      empty_buffer();
      discarding_ = true;
      return LineEvent{LineEvent::Kind::too_long, {}};
    }
    if (consumed_ == buffer_.size()) {
      empty_buffer();
    } else {
      buffer_.erase(0, consumed_);
      consumed_ = 0;
    }
    return std::nullopt;
  }
  std::string_view line(buffer_.data() + consumed_, newline - consumed_);
  consumed_ = newline + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_length_) return LineEvent{LineEvent::Kind::too_long, {}};
  return LineEvent{LineEvent::Kind::line, std::string(line)};
}

}  // namespace chat::protocol
