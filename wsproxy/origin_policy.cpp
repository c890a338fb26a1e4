#include "wsproxy/origin_policy.hpp"

#include <algorithm>

#include "protocol/names.hpp"

namespace chat::wsproxy {

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return true;
  if (origin.empty() || origin == "null") return false;
  const auto folded = protocol::fold_case(origin);
  for (const auto& entry : allowed) {
    if (protocol::fold_case(entry) == folded) return true;
  }
  // "http://host:port" against the Host header "host:port".
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || host.empty()) return false;
  return protocol::fold_case(origin.substr(scheme_end + 3)) == protocol::fold_case(host);
}

}  // namespace chat::wsproxy
