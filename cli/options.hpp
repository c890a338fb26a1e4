#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace chat::cli {

struct Options {
  std::string host = "localhost";
  std::string port = "8080";            // digits only; handed to the resolver as the service
  std::optional<std::string> nickname;  // asked for when missing
  std::vector<std::string> rooms;       // --join, '#' added when left out (seed 004 style)
  bool utc = false;                     // show times in UTC instead of local time
};

struct ShowUsage {};
struct OptionsError {
  std::string message;
};

std::variant<Options, ShowUsage, OptionsError> parse_options(int argc, const char* const* argv);
std::string usage();

}  // namespace chat::cli
