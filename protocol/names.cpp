#include "protocol/names.hpp"

namespace chat::protocol {
namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) {
  return is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '-';
}

}  // namespace

std::optional<Error> check_nickname(std::string_view nickname) {
  if (nickname.empty()) return Error::username_empty;
  if (nickname.find(' ') != std::string_view::npos) return Error::username_has_spaces;
  if (nickname.size() > max_nickname_length) return Error::username_too_long;
  if (!is_ascii_letter(nickname.front()) && nickname.front() != '_') return Error::username_invalid;
  for (const char c : nickname) {
    if (!is_name_char(c)) return Error::username_invalid;
  }
  return std::nullopt;
}

std::optional<Error> check_room_name(std::string_view room) {
  if (room.size() < 2 || room.front() != '#') return Error::room_name_invalid;
  room.remove_prefix(1);
  if (room.size() > max_room_name_length) return Error::room_name_invalid;
  for (const char c : room) {
    if (!is_name_char(c)) return Error::room_name_invalid;
  }
  return std::nullopt;
}

std::string nickname_from_profile(std::string_view name, std::size_t max_length) {
  if (const auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
  std::string nickname;
  for (const char c : name) {
    if (nickname.size() == max_length) break;
    // Only a letter or '_' may begin a nickname: what comes before the first one goes.
    if (nickname.empty() && !is_ascii_letter(c) && c != '_') continue;
    if (is_name_char(c)) {
      nickname += c;
    } else if (c == ' ' || c == '.') {
      nickname += '_';
    }
  }
  return nickname.empty() ? std::string("user") : nickname;
}

bool is_provider_name(std::string_view name) {
  if (name.empty() || name.size() > max_nickname_length) return false;
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::string fold_case(std::string_view name) {
  std::string folded(name);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

}  // namespace chat::protocol
