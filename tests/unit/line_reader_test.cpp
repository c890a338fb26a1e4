#include "protocol/line_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using chat::protocol::LineEvent;
using chat::protocol::LineReader;

namespace {

// Every event the reader yields for what it has so far; too_long shows as "<too long>".
std::vector<std::string> drain(LineReader& reader) {
  std::vector<std::string> out;
  while (auto event = reader.next()) {
    out.push_back(event->kind == LineEvent::Kind::too_long ? "<too long>" : event->text);
  }
  return out;
}

}  // namespace

TEST_CASE("a line split across many reads comes out whole, once") {
  LineReader reader(100);
  for (const char c : std::string("USERNAME teixe")) {
    reader.append(std::string(1, c));
    CHECK(drain(reader).empty());
  }
  reader.append("\n");
  CHECK(drain(reader) == std::vector<std::string>{"USERNAME teixe"});
  CHECK(drain(reader).empty());
}

TEST_CASE("several lines in one read come out in order, CR LF tolerated") {
  LineReader reader(100);
  reader.append("A\nB\r\nC\nD");
  CHECK(drain(reader) == std::vector<std::string>{"A", "B", "C"});
  reader.append("\n");
  CHECK(drain(reader) == std::vector<std::string>{"D"});
}

TEST_CASE("empty lines are yielded as empty text") {
  LineReader reader(10);
  reader.append("\n\r\n");
  CHECK(drain(reader) == std::vector<std::string>{"", ""});
}

TEST_CASE("an over-long line is reported once and the next line still arrives") {
  LineReader reader(8);
  reader.append("0123456789");
  CHECK(drain(reader) == std::vector<std::string>{"<too long>"});
  reader.append(std::string(1000, 'x'));
  CHECK(drain(reader).empty());
  reader.append("xx\nok\n");
  CHECK(drain(reader) == std::vector<std::string>{"ok"});
}

TEST_CASE("an over-long line inside one read is reported without hiding its neighbours") {
  LineReader reader(4);
  reader.append("ab\n0123456789\ncd\n");
  CHECK(drain(reader) == std::vector<std::string>{"ab", "<too long>", "cd"});
}

TEST_CASE("a line of exactly the limit passes, with or without CR") {
  LineReader reader(4);
  reader.append("abcd\nefgh\r\n");
  CHECK(drain(reader) == std::vector<std::string>{"abcd", "efgh"});
}

TEST_CASE("bytes that are not UTF-8 pass through framing untouched") {
  LineReader reader(100);
  reader.append(std::string("SEND \xC3\x28\xFF\n", 9));
  const auto lines = drain(reader);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == std::string("SEND \xC3\x28\xFF", 8));
}

TEST_CASE("a long line's buffer is given back once it has been read or discarded") {
  chat::protocol::LineReader reader(64 * 1024);
  reader.append(std::string(60 * 1024, 'x'));
  CHECK(reader.memory() >= 60 * 1024);
  reader.append("\n");
  REQUIRE(reader.next());
  CHECK_FALSE(reader.next());
  CHECK(reader.memory() <= 4096);

  // An over-long line too: the bytes go, and so does their memory.
  chat::protocol::LineReader small(1024);
  small.append(std::string(16 * 1024, 'y'));
  REQUIRE(small.next()->kind == chat::protocol::LineEvent::Kind::too_long);
  CHECK(small.memory() <= 4096);
  small.append("rest\nnext\n");
  CHECK(small.next()->text == "next");
}
