#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chat::wsproxy {

// Which web pages may open a WebSocket: without this check any site a user visits could drive
// the proxy from their browser (cross-site WebSocket hijacking). Allowed: a page served by the
// same host (its Origin's host and port equal the request's Host), and the origins listed with
// --allow-origin ("*" allows every origin). A request without an Origin (no browser sends
// that) and the opaque origin "null" are refused unless "*" is listed.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

}  // namespace chat::wsproxy
