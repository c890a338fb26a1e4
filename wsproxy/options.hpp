#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "wsproxy/bridge.hpp"

namespace chat::wsproxy {

struct Options {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 8000;
  Upstream upstream{"127.0.0.1", "8080"};
  std::string webroot = "webapp";
  // Origins allowed besides the page's own host (origin_policy.hpp); "*": any.
  std::vector<std::string> allowed_origins;
};

struct ShowHelp {};
struct OptionsError {
  std::string message;
};

std::variant<Options, ShowHelp, OptionsError> parse_options(int argc, char** argv);
std::string usage();

}  // namespace chat::wsproxy
