#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace chat::protocol {

// ISO 8601 in UTC with milliseconds, e.g. "2026-11-23T15:20:00.123Z": the server time carried
// by every rich-mode message and event.
std::string format_timestamp(std::chrono::system_clock::time_point time);

// Whether text has that shape (so HISTORY can tell a time from a message id); such strings sort
// in time order.
bool is_timestamp(std::string_view text);

// Seconds since the Unix epoch of such a timestamp (IRC's 333 wants them); 0 if it is not one.
long long unix_seconds(std::string_view timestamp);

}  // namespace chat::protocol
