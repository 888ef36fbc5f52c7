// `umbra`: one executable, subcommands from a table (see command.h for adding one).
#include <algorithm>
#include <array>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "cli/hex_io.h"
#include "cli/options.h"

namespace {

using umbra::cli::Command;

constexpr std::array kCommands{
    Command{"sframe", "seal and open RFC 9605 SFrame frames with a given base key", umbra::cli::run_sframe},
    Command{"e2ee", "seal and open umbra-e2ee-v1 frames, print verification codes", umbra::cli::run_e2ee},
    Command{"serve", "run the server: REST API, signaling, web SDK and demo", umbra::cli::run_serve},
    Command{"token", "mint a client token offline (token create)", umbra::cli::run_token},
    Command{"session", "create, get or list sessions through the REST API", umbra::cli::run_session},
    Command{"dump", "what the router saw: frames in an --rtp-dump capture, plain or E2EE",
            umbra::cli::run_dump},
};

std::string help() {
  std::string text =
      "Usage: umbra <command> [<action>] [options]\n\n"
      "The Umbra server and its tools. `sframe` and `e2ee` check another client's bytes against\n"
      "Umbra's (one line of hex on stdin and stdout). On failure a message goes to stderr and the\n"
      "exit status is 1.\n\n"
      "Commands:\n";
  for (const Command& command : kCommands) {
    std::string name(command.name);
    name.resize(std::max<std::size_t>(name.size(), 8), ' ');
    text += "  " + name + " " + std::string(command.summary) + "\n";
  }
  return text + "\nRun `umbra <command> --help` for its actions.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    (void)umbra::cli::write_text(stderr, help());
    return 1;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    return umbra::cli::write_text(stdout, help()) ? 0 : 1;
  }
  for (const Command& command : kCommands) {
    if (command.name != args[0]) continue;
    try {
      return command.run(umbra::cli::Args(args).subspan(1));
    } catch (const std::exception& e) {
      return umbra::cli::fail(e.what());
    }
  }
  return umbra::cli::fail("unknown command '" + std::string(args[0]) + "' (see `umbra --help`)");
}
