#pragma once

#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "chatd/hub/hub.hpp"
#include "tests/unit/recording_client.hpp"

namespace chat::testing {

// A hub alone, with no store: what the hub tests start from.
struct World {
  IdGenerator ids;
  Hub hub{ids, HubLimits{}, nullptr};

  std::string login(RecordingClient& client, const std::string& nick) {
    auto id = hub.login(client, nick);
    REQUIRE(std::holds_alternative<std::string>(id));
    return std::get<std::string>(id);
  }
};

}  // namespace chat::testing
