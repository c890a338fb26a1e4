#include "protocol/line_reader.hpp"

namespace chat::protocol {

LineReader::LineReader(std::size_t max_length) : max_length_(max_length) {}

void LineReader::append(std::string_view bytes) {
  if (discarding_) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) return;
    discarding_ = false;
    bytes.remove_prefix(newline + 1);
  }
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<LineEvent> LineReader::next() {
  const auto newline = buffer_.find('\n', consumed_);
  if (newline == std::string::npos) {
    // One byte of slack for the '\r' of a "\r\n" terminator that has not arrived yet.
    if (buffer_.size() - consumed_ > max_length_ + 1) {
      buffer_.clear();
      consumed_ = 0;
      discarding_ = true;
      return LineEvent{LineEvent::Kind::too_long, {}};
    }
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    return std::nullopt;
  }
  std::string_view line(buffer_.data() + consumed_, newline - consumed_);
  consumed_ = newline + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_length_) return LineEvent{LineEvent::Kind::too_long, {}};
  return LineEvent{LineEvent::Kind::line, std::string(line)};
}

}  // namespace chat::protocol
