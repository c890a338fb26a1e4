#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>

#include "chatd/hub/id_generator.hpp"
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

TEST_CASE("message ids are version 7 UUIDs that grow with time, even within a millisecond") {
  chat::IdGenerator ids;
  const std::regex uuid_v7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const auto now =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'000));
  std::string previous;
  // 5,000 in one millisecond: past the 4,096 the counter holds, so the next millisecond is used.
  for (int i = 0; i < 5000; ++i) {
    const auto id = ids.next_time_ordered(now);
    CHECK(std::regex_match(id, uuid_v7));
    CHECK(id > previous);
    previous = id;
  }
  // The time is in front: 1,800,000,001,000 ms is 0x1a3185c53e8.
  CHECK(ids.next_time_ordered(now + std::chrono::seconds(1)).substr(0, 13) == "01a3185c-53e8");
  // A clock that steps back does not make ids go back.
  const auto later = ids.next_time_ordered(now + std::chrono::seconds(2));
  CHECK(ids.next_time_ordered(now) > later);
}
