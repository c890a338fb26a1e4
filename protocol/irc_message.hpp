#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::protocol::irc {

// One IRC message (RFC 1459/2812 with IRCv3 message tags):
//   [@tag=value;tag2 ][:source ]COMMAND param param :trailing param
struct Message {
  std::vector<std::pair<std::string, std::string>> tags;  // values unescaped
  std::string source;                                     // without the ':'
  std::string command;                                    // upper case
  std::vector<std::string> params;                        // the last may hold spaces

  // The value of a tag, if present.
  std::optional<std::string_view> tag(std::string_view key) const;
};

// What a line may hold (RFC 2812 and the message-tags spec): 512 bytes with CR LF for the
// message itself, 8191 more for the tags of a client's line.
inline constexpr std::size_t max_message_length = 512;
inline constexpr std::size_t max_client_tags_length = 4094;
inline constexpr std::size_t max_line_length = max_message_length + 8191;
inline constexpr std::size_t max_params = 15;

// Parses one line without its CR LF. nullopt when it has no command (blank, only a source, or a
// command word that is not letters or digits), or holds an LF or a NUL (no IRC line may; and
// format() would not give them back). A lone CR is kept, for the command to refuse its text.
std::optional<Message> parse(std::string_view line);

// The line for a message, without CR LF. The last parameter is written as trailing (after ':')
// when it must be: empty, holding a space, or starting with ':'. Tag values are escaped.
std::string format(const Message& message);

// Tag values escape ';', ' ', '\', CR and LF (IRCv3 message-tags).
std::string escape_tag_value(std::string_view value);
std::string unescape_tag_value(std::string_view value);

}  // namespace chat::protocol::irc
