#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/command.hpp"

namespace chat::cli {

// What one line typed by the person asks for. Lines starting with '/' are commands; anything
// else is a message to the current conversation ("//" sends a message starting with '/').
struct Requests {
  std::vector<protocol::Command> commands;  // for chatd, in order
};
struct SwitchConversation {
  protocol::Target target;
};
struct ShowHelp {};
struct InputError {
  std::string message;
};
struct Blank {};
using Input = std::variant<Blank, Requests, SwitchConversation, ShowHelp, InputError>;

Input parse_input(std::string_view line, const protocol::Target& conversation);

// Where a conversation goes, for prompts and notices: "everyone", "#room" or "@nick".
std::string conversation_name(const protocol::Target& target);

// One line per command, for /help.
std::vector<std::string> help_lines();
// "/join", "/leave", ...: what Tab completes at the start of a line.
std::vector<std::string> command_words();

}  // namespace chat::cli
