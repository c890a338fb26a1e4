#include <doctest/doctest.h>

#include <vector>

#include "cli/options.hpp"

namespace cli = chat::cli;

namespace {

std::variant<cli::Options, cli::ShowUsage, cli::OptionsError> parse(
    std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "chat");
  return cli::parse_options(static_cast<int>(arguments.size()), arguments.data());
}

cli::Options options(std::vector<const char*> arguments) {
  auto parsed = parse(std::move(arguments));
  REQUIRE(std::holds_alternative<cli::Options>(parsed));
  return std::get<cli::Options>(parsed);
}

std::string error(std::vector<const char*> arguments) {
  auto parsed = parse(std::move(arguments));
  REQUIRE(std::holds_alternative<cli::OptionsError>(parsed));
  return std::get<cli::OptionsError>(parsed).message;
}

}  // namespace

TEST_CASE("defaults: localhost 8080, nickname asked for") {
  const auto defaults = options({});
  CHECK(defaults.host == "localhost");
  CHECK(defaults.port == "8080");
  CHECK_FALSE(defaults.nickname);
  CHECK(defaults.rooms.empty());
  CHECK_FALSE(defaults.utc);
}

TEST_CASE("every option") {
  const auto all = options({"--host", "chat.example", "--port", "9000", "--nick", "alice", "--join",
                            "#main", "--join", "dev", "--utc"});
  CHECK(all.host == "chat.example");
  CHECK(all.port == "9000");
  CHECK(all.nickname == "alice");
  CHECK(all.rooms == std::vector<std::string>{"#main", "#dev"});
  CHECK(all.utc);
  CHECK(std::holds_alternative<cli::ShowUsage>(parse({"--help"})));
}

TEST_CASE("mistakes are reported, not guessed at") {
  CHECK(error({"--port", "0"}) == "invalid port: 0");
  CHECK(error({"--port", "80a"}) == "invalid port: 80a");
  CHECK(error({"--nick", "two words"}) ==
        "invalid nickname two words: Username contains empty "
        "spaces.");
  CHECK(error({"--join", "#no!"}).starts_with("invalid room #no!: "));
  CHECK(error({"--nick"}) == "unknown option or missing value: --nick");
  CHECK(error({"--colour", "yes"}) == "unknown option: --colour");
}
