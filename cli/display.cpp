#include "cli/display.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <ctime>
#include <numeric>

#include "protocol/text.hpp"

namespace chat::cli {
namespace {

using protocol::Event;

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Bytes in the UTF-8 sequence that starts with lead; 0 when no sequence starts with it.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

bool is_control(std::string_view character) {
  const auto lead = static_cast<unsigned char>(character.front());
  if (character.size() == 1) return (lead < 0x20 && lead != '\t') || lead == 0x7f;
  // C1 controls U+0080..U+009F are C2 80..C2 9F: a terminal obeys some of them too.
  return lead == 0xC2 && static_cast<unsigned char>(character[1]) < 0xA0;
}

std::optional<int> number(std::string_view text, std::size_t at, std::size_t length) {
  if (at + length > text.size()) return std::nullopt;
  int value = 0;
  const auto* first = text.data() + at;
  const auto [end, error] = std::from_chars(first, first + length, value);
  if (error != std::errc{} || end != first + length) return std::nullopt;
  return value;
}

// YYYY-MM-DDTHH:MM... as a calendar time in UTC.
std::optional<std::tm> parse_utc(std::string_view time) {
  const auto year = number(time, 0, 4), month = number(time, 5, 2), day = number(time, 8, 2);
  const auto hour = number(time, 11, 2), minute = number(time, 14, 2);
  if (!year || !month || !day || !hour || !minute || time[4] != '-' || time[7] != '-' ||
      time[10] != 'T' || time[13] != ':') {
    return std::nullopt;
  }
  std::tm calendar{};
  calendar.tm_year = *year - 1900;
  calendar.tm_mon = *month - 1;
  calendar.tm_mday = *day;
  calendar.tm_hour = *hour;
  calendar.tm_min = *minute;
  return calendar;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  while (!text.empty()) {
    const auto length = sequence_length(static_cast<unsigned char>(text.front()));
    const auto character = text.substr(0, length);
    if (length == 0 || character.size() < length || !protocol::is_valid_utf8(character)) {
      clean += replacement;  // for this byte; the next may start a character
      text.remove_prefix(1);
      continue;
    }
    if (is_control(character)) {
      clean += replacement;
    } else {
      clean += character;
    }
    text.remove_prefix(length);
  }
  return clean;
}

Display::Display(DisplayStyle style) : style_(style) {}

std::string Display::paint(std::string_view sgr, std::string_view text) const {
  if (!style_.colour) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

std::string Display::nick(std::string_view name) const {
  // The same nickname always gets the same colour, so a reader follows a speaker by colour.
  static constexpr std::array<std::string_view, 9> colours{"1;32", "1;33", "1;35", "1;36", "1;91",
                                                           "1;92", "1;93", "1;95", "1;96"};
  const auto hash = std::accumulate(name.begin(), name.end(), 0u,
                                    [](unsigned sum, char c) { return sum * 31 + (c | 0x20); });
  return paint(colours[hash % colours.size()], printable(name));
}

std::string Display::room(std::string_view name) const { return paint("36", printable(name)); }

std::string Display::clock(std::string_view time) const {
  auto calendar = parse_utc(time);
  if (!calendar) return printable(time);
  if (!style_.utc) {
    const std::time_t instant = timegm(&*calendar);
    localtime_r(&instant, &*calendar);
  }
  return fmt::format("{:02}:{:02}", calendar->tm_hour, calendar->tm_min);
}

std::string Display::stamp(std::string_view time) const {
  return paint("2", fmt::format("[{}]", clock(time)));
}

namespace {

// A multi-line message's text: each line printable, the later ones indented under the first.
std::string printable_lines(std::string_view text) {
  std::string shown;
  for (;;) {
    const auto end = text.find('\n');
    shown += printable(text.substr(0, end));
    if (end == std::string_view::npos) return shown;
    shown += "\n    ";
    text.remove_prefix(end + 1);
  }
}

}  // namespace

std::string Display::message(const protocol::ChatMessage& message) const {
  // An action ("/me waves") reads "* alice waves" where a message would read "alice: text".
  const std::string_view raw = message.text;
  const bool action = raw.starts_with(protocol::action_prefix);
  const auto text = printable_lines(action ? raw.substr(protocol::action_prefix.size()) : raw);
  const auto said = action ? fmt::format("* {} {}", nick(message.sender), text) : text;
  if (message.target == "*") {
    if (action) return fmt::format("{} {} {}", stamp(message.time), paint("33", "*"), said);
    return fmt::format("{} {} {}: {}", stamp(message.time), paint("33", "*"), nick(message.sender),
                       text);
  }
  if (message.target.starts_with('@')) {
    return fmt::format("{} {} {} -> {}: {}", stamp(message.time), paint("35", "(private)"),
                       nick(message.sender), nick(message.target.substr(1)), said);
  }
  if (action) return fmt::format("{} {} {}", stamp(message.time), room(message.target), said);
  return fmt::format("{} {} <{}> {}", stamp(message.time), room(message.target),
                     nick(message.sender), text);
}

std::string Display::event(const Event& event) const {
  const auto who = nick(event.nickname);
  std::string what;
  switch (event.kind) {
    case Event::Kind::online:
      what = fmt::format("{} is online", who);
      break;
    case Event::Kind::offline:
      what = fmt::format("{} went offline", who);
      break;
    case Event::Kind::rename:
      what = fmt::format("{} is now known as {}", nick(event.detail), who);
      break;
    case Event::Kind::create:
      what = fmt::format("{} created {}", who, room(event.room));
      break;
    case Event::Kind::destroy:
      what = fmt::format("{} destroyed {}", who, room(event.room));
      break;
    case Event::Kind::join:
      what = fmt::format("{} joined {}", who, room(event.room));
      break;
    case Event::Kind::leave:
      what = fmt::format("{} left {}", who, room(event.room));
      break;
    case Event::Kind::read:
      what = fmt::format("read up to here in {} on another device", event.room);
      break;
    case Event::Kind::topic:
      what = event.detail.empty() ? fmt::format("{} cleared the topic of {}", who, room(event.room))
                                  : fmt::format("{} set the topic of {}: {}", who, room(event.room),
                                                printable(event.detail));
      break;
    case Event::Kind::away:
      what = event.detail.empty() ? fmt::format("{} is back", who)
                                  : fmt::format("{} is away: {}", who, printable(event.detail));
      break;
    case Event::Kind::kick:
      what = fmt::format("{} was removed from {} by {}", who, room(event.room), nick(event.detail));
      break;
    case Event::Kind::typing:
      what = fmt::format("{} is typing in {}", who, room(event.room));
      break;
  }
  return fmt::format("{} {}", stamp(event.time), marked(what));
}

std::string Display::error(const protocol::ErrorReply& error, std::string_view context) const {
  const auto text = printable(error.text);
  return paint("1;31", context.empty() ? fmt::format("!! error: {}", text)
                                       : fmt::format("!! error: {} ({})", text, context));
}

std::optional<std::string> Display::list(const protocol::Reply& reply) const {
  const auto& fields = reply.fields;
  const auto names = [&](std::size_t from, bool rooms) {
    if (fields.size() <= from) return std::string("none");
    std::string joined;
    for (auto i = from; i < fields.size(); ++i) {
      if (!joined.empty()) joined += ' ';
      joined += rooms ? room(fields[i]) : nick(fields[i]);
    }
    return joined;
  };
  if (reply.verb == "ROOMS") return marked(fmt::format("rooms: {}", names(0, true)));
  if (reply.verb == "USERS") return marked(fmt::format("online: {}", names(0, false)));
  if (reply.verb == "MEMBERS" && !fields.empty()) {
    return marked(fmt::format("members of {}: {}", room(fields.front()), names(1, false)));
  }
  return std::nullopt;
}

std::string Display::marked(std::string_view text) const {
  return fmt::format("{} {}", paint("1;34", "-!-"), text);
}

std::string Display::notice(std::string_view text) const { return marked(printable(text)); }

std::string Display::warning(std::string_view text) const {
  return paint("1;31", fmt::format("!! {}", printable(text)));
}

}  // namespace chat::cli
