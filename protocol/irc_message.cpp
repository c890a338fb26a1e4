#include "protocol/irc_message.hpp"

namespace chat::protocol::irc {
namespace {

std::string_view next_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const auto word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return word;
}

std::string upper(std::string_view word) {
  std::string result(word);
  for (auto& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

void parse_tags(std::string_view text, Message& message) {
  while (!text.empty()) {
    const auto semicolon = text.find(';');
    const auto tag = text.substr(0, semicolon);
    text = semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
    const auto equals = tag.find('=');
    std::string key(tag.substr(0, equals));
    if (key.empty()) continue;  // a value without a name is no tag
    std::string value = equals == std::string_view::npos
                            ? std::string()
                            : unescape_tag_value(tag.substr(equals + 1));
    // A repeated key: the last one counts.
    bool replaced = false;
    for (auto& [existing, old] : message.tags) {
      if (existing == key) {
        old = std::move(value);
        replaced = true;
      }
    }
    if (!replaced) message.tags.emplace_back(std::move(key), std::move(value));
  }
}

bool needs_trailing(std::string_view param) {
  return param.empty() || param.front() == ':' || param.find(' ') != std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> Message::tag(std::string_view key) const {
  for (const auto& [name, value] : tags) {
    if (name == key) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<Message> parse(std::string_view line) {
  if (line.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos)
    return std::nullopt;
  Message message;
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (!line.empty() && line.front() == '@') {
    line.remove_prefix(1);
    parse_tags(next_word(line), message);
  }
  if (!line.empty() && line.front() == ':') {
    line.remove_prefix(1);
    message.source = next_word(line);
  }
  const auto command = next_word(line);
  // A command is a word of letters or a numeric; anything else is no command at all.
  if (command.empty() ||
      command.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  message.command = upper(command);
  while (!line.empty()) {
    if (line.front() == ':' || message.params.size() + 1 == max_params) {
      if (line.front() == ':') line.remove_prefix(1);
      message.params.emplace_back(line);
      break;
    }
    message.params.emplace_back(next_word(line));
  }
  return message;
}

std::string format(const Message& message) {
  std::string line;
  if (!message.tags.empty()) {
    line += '@';
    for (std::size_t i = 0; i < message.tags.size(); ++i) {
      if (i > 0) line += ';';
      line += message.tags[i].first;
      if (!message.tags[i].second.empty()) line += '=' + escape_tag_value(message.tags[i].second);
    }
    line += ' ';
  }
  if (!message.source.empty()) line += ':' + message.source + ' ';
  line += message.command;
  for (std::size_t i = 0; i < message.params.size(); ++i) {
    line += ' ';
    if (i + 1 == message.params.size() && needs_trailing(message.params[i])) line += ':';
    line += message.params[i];
  }
  // An LF or NUL from any caller would end this line early and let what follows be read as a
  // line of its own: never one line more than asked for. (A CR only comes from what a client
  // sent, parsed, and chat's texts refuse it before they reach anyone else.)
  for (auto& c : line) {
    if (c == '\n' || c == '\0') c = ' ';
  }
  return line;
}

std::string escape_tag_value(std::string_view value) {
  std::string escaped;
  for (const char c : value) {
    switch (c) {
      case ';':
        escaped += "\\:";
        break;
      case ' ':
        escaped += "\\s";
        break;
      case '\\':
        escaped += "\\\\";
        break;
      case '\r':
        escaped += "\\r";
        break;
      case '\n':
        escaped += "\\n";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string unescape_tag_value(std::string_view value) {
  std::string plain;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\') {
      plain += value[i];
      continue;
    }
    if (++i == value.size()) break;  // a lone trailing backslash is dropped
    switch (value[i]) {
      case ':':
        plain += ';';
        break;
      case 's':
        plain += ' ';
        break;
      case 'r':
        plain += '\r';
        break;
      case 'n':
        plain += '\n';
        break;
      default:
        plain += value[i];  // "\\" and unknown escapes: the character itself
    }
  }
  return plain;
}

}  // namespace chat::protocol::irc
