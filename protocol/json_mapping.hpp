#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace chat::protocol {

// The JSON face of the protocol (seed 003) that wsproxy speaks to browsers. Each browser frame
// becomes one command line for chatd; each rich-mode line from chatd becomes at most one frame.
// The mapping is stateless, so the proxy holds nothing but its pair of sockets. The proxy's
// chatd connection is in RICH MULTILINE mode: a message's line breaks travel escaped in its
// line and are real line breaks in its frame.

struct FrameError {
  std::string code;
  std::string message;
};

// A browser frame to the chatd command line it stands for (without newline).
std::variant<std::string, FrameError> frame_to_line(std::string_view frame);

// A rich-mode chatd line to the JSON frame for the browser; nullopt for lines browsers never see.
std::optional<std::string> line_to_frame(std::string_view line);

// {"type":"error","code":...,"message":...}: errors raised by the proxy itself.
std::string error_frame(std::string_view code, std::string_view message);

}  // namespace chat::protocol
