#pragma once

#include <string>
#include <vector>

#include "chatd/hub/client.hpp"
#include "chatd/hub/delivery.hpp"

namespace chat::testing {

// A connection as the hub sees it: it keeps every rich line it is handed.
class RecordingClient final : public Client {
 public:
  void deliver(const Delivery& delivery) override {
    if (auto line = delivery.line(Dialect::rich))
      lines.push_back(line->substr(0, line->size() - 1));
  }
  bool wants_events() const override { return true; }
  // The lines received so far, forgotten once read; each with its time left out.
  std::vector<std::string> take() {
    std::vector<std::string> words;
    for (const auto& line : lines) words.push_back(without_time(line));
    lines.clear();
    return words;
  }
  std::vector<std::string> lines;

 private:
  // "EVENT <time> JOIN #a <id> alice" -> "EVENT JOIN #a alice"; MESSAGE keeps target, from, text.
  static std::string without_time(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (int i = 0; i < 6 && start <= line.size(); ++i) {
      const auto space = line.find(' ', start);
      fields.push_back(line.substr(start, space - start));
      start = space == std::string::npos ? line.size() + 1 : space + 1;
    }
    const auto rest = start <= line.size() ? line.substr(start) : std::string();
    if (fields[0] == "EVENT") {
      auto out = "EVENT " + fields[2] + " " + fields[3] + " " + fields[5];
      if (!rest.empty()) out += " " + rest;
      return out;
    }
    return "MESSAGE " + fields[3] + " " + fields[5] + " " + rest;
  }
};

}  // namespace chat::testing
