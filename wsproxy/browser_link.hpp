#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace chat::wsproxy {

// The browser's side of a bridge: one WebSocket connection, seen without websocketpp's types.
class BrowserLink {
 public:
  virtual ~BrowserLink() = default;
  virtual void send(const std::string& frame) = 0;
  virtual void close(std::uint16_t code, const std::string& reason) = 0;
  // Bytes accepted by send() but not yet written to the browser.
  virtual std::size_t buffered_amount() const = 0;
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
};

}  // namespace chat::wsproxy
