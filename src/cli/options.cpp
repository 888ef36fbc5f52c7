#include "cli/options.h"

#include <charconv>
#include <cstdio>
#include <string>

#include "common/hex.h"

namespace umbra::cli {

namespace {

const OptionSpec* find_spec(std::span<const OptionSpec> specs, std::string_view name) {
  for (const OptionSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool is_help(std::string_view arg) {
  return arg == "--help" || arg == "-h" || arg == "help";
}

void print_action_help(std::string_view group, const Action& action) {
  std::string synopsis = "umbra " + std::string(group) + " " + std::string(action.name);
  for (const OptionSpec& spec : action.options) {
    std::string option = "--" + std::string(spec.name) + " " + std::string(spec.value);
    synopsis += spec.required ? " " + option : " [" + option + "]";
  }
  std::printf("Usage: %s\n\n%.*s\n\n", synopsis.c_str(), static_cast<int>(action.summary.size()),
              action.summary.data());
  std::printf("  stdin:  %.*s\n  stdout: %.*s\n\nOptions:\n", static_cast<int>(action.input.size()),
              action.input.data(), static_cast<int>(action.output.size()), action.output.data());
  for (const OptionSpec& spec : action.options) {
    const std::string left = "--" + std::string(spec.name) + " " + std::string(spec.value);
    std::printf("  %-22s %.*s%s\n", left.c_str(), static_cast<int>(spec.help.size()), spec.help.data(),
                spec.required ? "" : " (optional)");
  }
  std::printf("\nOn failure a message goes to stderr and the exit status is 1.\n");
}

void print_group_help(std::FILE* out, std::string_view group, std::string_view summary,
                      std::span<const Action> actions) {
  std::fprintf(out, "Usage: umbra %.*s <action> [options]\n\n%.*s\n\nActions:\n",
               static_cast<int>(group.size()), group.data(), static_cast<int>(summary.size()),
               summary.data());
  for (const Action& action : actions) {
    std::fprintf(out, "  %-6.*s %.*s\n", static_cast<int>(action.name.size()), action.name.data(),
                 static_cast<int>(action.summary.size()), action.summary.data());
  }
  std::fprintf(out, "\nRun `umbra %.*s <action> --help` for its options.\n", static_cast<int>(group.size()),
               group.data());
}

}  // namespace

Result<Options, std::string> Options::parse(Args args, std::span<const OptionSpec> specs) {
  Options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) return err("unexpected argument '" + std::string(arg) + "'");
    arg.remove_prefix(2);
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (find_spec(specs, name) == nullptr) return err("unknown option --" + std::string(name));
    if (!value) {
      if (i + 1 >= args.size()) return err("option --" + std::string(name) + " needs a value");
      value = args[++i];
    }
    if (!options.values_.emplace(std::string(name), std::string(*value)).second) {
      return err("option --" + std::string(name) + " given twice");
    }
  }
  for (const OptionSpec& spec : specs) {
    if (spec.required && !options.find(spec.name)) {
      return err("missing option --" + std::string(spec.name));
    }
  }
  return options;
}

std::string_view Options::get(std::string_view name) const {
  const auto value = find(name);
  return value ? *value : std::string_view();
}

std::optional<std::string_view> Options::find(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return std::string_view(it->second);
}

int run_actions(std::string_view group, std::string_view summary, std::span<const Action> actions,
                Args args) {
  if (args.empty()) {
    print_group_help(stderr, group, summary, actions);
    return 1;
  }
  if (is_help(args[0])) {
    print_group_help(stdout, group, summary, actions);
    return 0;
  }
  for (const Action& action : actions) {
    if (action.name != args[0]) continue;
    const Args rest = args.subspan(1);
    for (const std::string_view arg : rest) {
      if (arg == "--help" || arg == "-h") {
        print_action_help(group, action);
        return 0;
      }
    }
    auto options = Options::parse(rest, action.options);
    if (!options) {
      return fail(options.error() + " (see `umbra " + std::string(group) + " " + std::string(action.name) +
                  " --help`)");
    }
    return action.run(*options);
  }
  return fail("unknown action '" + std::string(args[0]) + "' for `umbra " + std::string(group) +
              "` (see `umbra " + std::string(group) + " --help`)");
}

int fail(std::string_view message) {
  std::fprintf(stderr, "umbra: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

Result<std::uint64_t, std::string> parse_uint(std::string_view option, std::string_view text,
                                              std::uint64_t max) {
  int base = 10;
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return err("--" + std::string(option) + " must be an unsigned number, got '" + std::string(text) + "'");
  }
  if (value > max) {
    return err("--" + std::string(option) + " must be at most " + std::to_string(max) + ", got '" +
               std::string(text) + "'");
  }
  return value;
}

Result<Bytes, std::string> parse_hex_option(std::string_view option, std::string_view text) {
  auto bytes = hex_decode(text);
  if (!bytes) return err("--" + std::string(option) + " is not hex: '" + std::string(text) + "'");
  return std::move(*bytes);
}

}  // namespace umbra::cli
