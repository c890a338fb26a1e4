#pragma once

#include <functional>
#include <optional>

namespace chat::testing {

// The value a callback was called with, if it was.
template <typename Value>
struct Captured {
  std::optional<Value> value;
  std::function<void(Value)> callback() {
    return [this](Value result) { value = std::move(result); };
  }
};

}  // namespace chat::testing
