#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>

#include "chatd/id_generator.hpp"
#include "protocol/timestamp.hpp"

TEST_CASE("timestamps are UTC ISO 8601 with milliseconds") {
  using namespace std::chrono;
  const sys_days day = year{2026} / November / 23;
  const auto time = day + hours{15} + minutes{32} + seconds{54} + milliseconds{7};
  CHECK(chat::protocol::format_timestamp(time) == "2026-11-23T15:32:54.007Z");
}

TEST_CASE("ids are distinct version 4 UUIDs") {
  chat::IdGenerator ids;
  const std::regex uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = ids.next();
    CHECK(std::regex_match(id, uuid_v4));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}
