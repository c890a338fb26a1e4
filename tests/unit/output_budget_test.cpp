#include "chatd/net/output_budget.hpp"

#include <doctest/doctest.h>

TEST_CASE("the output budget drops only those over their share, and only once it is spent") {
  chat::OutputBudget budget(1000);
  for (int i = 0; i < 4; ++i) budget.connection_opened();  // shares of 250
  budget.charge(900);
  CHECK_FALSE(budget.over_share(900));  // within the budget: anyone may queue
  budget.charge(200);
  CHECK(budget.used() == 1100);
  CHECK(budget.over_share(251));
  CHECK_FALSE(budget.over_share(250));  // one keeping up goes on
  budget.release(200);
  CHECK_FALSE(budget.over_share(900));
  budget.charge(200);
  for (int i = 0; i < 3; ++i) budget.connection_closed();  // one left: its share is all
  CHECK_FALSE(budget.over_share(1000));
  CHECK(budget.over_share(1001));
}
