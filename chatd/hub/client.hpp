#pragma once

#include "chatd/hub/delivery.hpp"

namespace chat {

// What the hub knows of a connected user's front: somewhere to hand deliveries. The front
// decides what its dialect shows; the hub never formats lines.
class Client {
 public:
  virtual void deliver(const Delivery& delivery) = 0;
  // Whether the connection shows events at all (plain mode does not): presence for everyone is
  // handed only to those that do, so that a crowd of nc users logging in costs no more than
  // one each (Hub::refresh_events when it changes).
  virtual bool wants_events() const = 0;
  // Whether it shows everyone's presence (ONLINE and OFFLINE) too; decided before login.
  virtual bool wants_presence() const { return wants_events(); }

 protected:
  ~Client() = default;
};

}  // namespace chat
