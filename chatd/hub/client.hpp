#pragma once

#include "chatd/hub/delivery.hpp"

namespace chat {

// What the hub knows of a connected user's front: somewhere to hand deliveries. The front
// decides what its dialect shows; the hub never formats lines.
class Client {
 public:
  virtual void deliver(const Delivery& delivery) = 0;

 protected:
  ~Client() = default;
};

}  // namespace chat
