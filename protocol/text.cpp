#include "protocol/text.hpp"

#include <cstdint>

namespace chat::protocol {

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<std::uint8_t>(bytes[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto continuation = static_cast<std::uint8_t>(bytes[i + k]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    const bool overlong = (length == 2 && code_point < 0x80) ||
                          (length == 3 && code_point < 0x800) ||
                          (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

std::optional<Error> check_message_text(std::string_view text) {
  if (text.empty()) return Error::message_empty;
  if (!is_valid_utf8(text)) return Error::message_invalid_utf8;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7F) return Error::message_control_characters;
    // C1 controls U+0080..U+009F, encoded C2 80..C2 9F (the text is valid UTF-8 by now).
    if (byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      return Error::message_control_characters;
    }
  }
  return std::nullopt;
}

std::optional<Error> check_multiline_text(std::string_view text) {
  if (text.find('\n') == std::string_view::npos) return check_message_text(text);
  std::size_t lines = 0;
  bool any_text = false;
  for (;;) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    if (++lines > max_message_lines) return Error::message_too_many_lines;
    if (!line.empty()) {
      if (const auto error = check_message_text(line)) return error;
      any_text = true;
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (!any_text) return Error::message_empty;
  return std::nullopt;
}

std::string escape_line_breaks(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string unescape_line_breaks(std::string_view text) {
  std::string plain;
  plain.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\')) {
      plain += text[++i] == 'n' ? '\n' : '\\';
    } else {
      plain += text[i];
    }
  }
  return plain;
}

}  // namespace chat::protocol
