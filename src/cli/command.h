// The `umbra` command line: a table of commands, each a file of its own. To add one (serve, token,
// session), write `int run_<name>(Args args)` in <name>_command.cpp, declare it below and add a line
// to kCommands in main.cpp.
#pragma once

#include <span>
#include <string_view>

namespace umbra::cli {

using Args = std::span<const std::string_view>;  // the arguments after the command name

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(Args args);
};

int run_sframe(Args args);
int run_e2ee(Args args);
int run_serve(Args args);
int run_token(Args args);
int run_session(Args args);
int run_dump(Args args);

}  // namespace umbra::cli
