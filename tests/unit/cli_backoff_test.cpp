#include <doctest/doctest.h>

#include "cli/backoff.hpp"

using chat::cli::Backoff;
using std::chrono::milliseconds;

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
