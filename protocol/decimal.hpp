#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace chat::protocol {

// A whole decimal number (digits only, nothing before or after) within [min, max], as ports,
// sizes and counts are written on command lines.
template <typename Number>
std::optional<Number> parse_decimal(std::string_view text, Number min, Number max) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace chat::protocol
