#pragma once

#include <random>
#include <string>

namespace chat {

// Random version 4 UUIDs: user identifiers (seed 003's "identifier") and message ids. Random
// rather than sequential so that several chatd nodes never hand out the same id.
class IdGenerator {
 public:
  IdGenerator();
  std::string next();

 private:
  std::mt19937_64 engine_;
};

}  // namespace chat
