// `--name value` (or `--name=value`) options of one subcommand, checked against what it accepts,
// and a second-level table of actions (`umbra sframe seal`) with help generated from both.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "common/bytes.h"
#include "common/result.h"

namespace umbra::cli {

struct OptionSpec {
  std::string_view name;   // without the leading dashes
  std::string_view value;  // what the value looks like, for help: "HEX", "N"
  std::string_view help;
  bool required = true;
};

class Options {
 public:
  static Result<Options, std::string> parse(Args args, std::span<const OptionSpec> specs);

  // Values of options the spec marks required are always present after parse().
  std::string_view get(std::string_view name) const;
  std::optional<std::string_view> find(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// One action of a command group, e.g. `seal` of `umbra sframe`.
struct Action {
  std::string_view name;
  std::string_view summary;
  std::string_view input;   // what stdin carries, for help
  std::string_view output;  // what stdout carries, for help
  std::span<const OptionSpec> options;
  int (*run)(const Options& options);
};

// Dispatches `umbra <group> <action> [options]`, answering --help at each level.
int run_actions(std::string_view group, std::string_view summary, std::span<const Action> actions, Args args);

// Failure: "umbra: <message>" on stderr, and the exit status 1 to return.
int fail(std::string_view message);

// Unsigned integers as decimal or 0x-prefixed hex, refusing anything above max.
Result<std::uint64_t, std::string> parse_uint(std::string_view option, std::string_view text,
                                              std::uint64_t max);
// Hex bytes from an option value.
Result<Bytes, std::string> parse_hex_option(std::string_view option, std::string_view text);

}  // namespace umbra::cli
