#include "protocol/timestamp.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace chat::protocol {

std::string format_timestamp(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds);
  // fmt 9 formats a time_point in local time; gmtime() keeps it in UTC.
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), millis.count());
}

}  // namespace chat::protocol

namespace chat::protocol {

bool is_timestamp(std::string_view text) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

long long unix_seconds(std::string_view timestamp) {
  if (!is_timestamp(timestamp)) return 0;
  const auto number = [&](std::size_t at, std::size_t length) {
    long long value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (timestamp[i] - '0');
    return value;
  };
  // Days since 1970-01-01 of a proleptic Gregorian date, counting years from March so that
  // the leap day comes last (C++17 has no calendar types).
  const auto month = number(5, 2);
  const auto year = number(0, 4) - (month <= 2 ? 1 : 0);
  const auto era = year / 400;
  const auto year_of_era = year - era * 400;
  const auto day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + number(8, 2) - 1;
  const auto day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const auto days = era * 146097 + day_of_era - 719468;
  return days * 86400 + number(11, 2) * 3600 + number(14, 2) * 60 + number(17, 2);
}

}  // namespace chat::protocol
