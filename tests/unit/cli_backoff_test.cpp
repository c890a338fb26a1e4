#include <doctest/doctest.h>

#include "cli/backoff.hpp"

using chat::cli::Backoff;
using std::chrono::milliseconds;

TEST_CASE("the shipped policy: 0.5 s doubling to 15 s, started over after 10 s connected") {
  Backoff backoff(chat::cli::first_reconnect_delay, chat::cli::longest_reconnect_delay, 7);
  const milliseconds bases[] = {milliseconds(500),  milliseconds(1000), milliseconds(2000),
                                milliseconds(4000), milliseconds(8000), milliseconds(15000),
                                milliseconds(15000)};
  for (const auto base : bases) {
    const auto delay = backoff.next();
    CHECK(delay <= base);
    CHECK(delay >= base * 4 / 5);
  }
  CHECK(chat::cli::stable_connection == std::chrono::seconds(10));
}

TEST_CASE("reconnect delays double up to a limit, cut by at most a fifth, and reset") {
  Backoff backoff(milliseconds(500), milliseconds(4000), 42);
  const milliseconds bases[] = {milliseconds(500),  milliseconds(1000), milliseconds(2000),
                                milliseconds(4000), milliseconds(4000), milliseconds(4000)};
  for (const auto base : bases) {
    const auto delay = backoff.next();
    CHECK(delay <= base);
    CHECK(delay >= base * 4 / 5);
  }
  backoff.reset();
  CHECK(backoff.next() <= milliseconds(500));
}
