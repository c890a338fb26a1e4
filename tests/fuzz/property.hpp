#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

// A property a fuzz target checks on every input: a violation aborts, and libFuzzer keeps the
// input that broke it (a crash only, without this, would miss wrong answers).
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "property violated: %s\n", property);
  std::abort();
}

inline bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}
