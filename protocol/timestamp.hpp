#pragma once

#include <chrono>
#include <string>

namespace chat::protocol {

// ISO 8601 in UTC with milliseconds, e.g. "2026-11-23T15:20:00.123Z": the server time carried
// by every rich-mode message and event.
std::string format_timestamp(std::chrono::system_clock::time_point time);

}  // namespace chat::protocol
