#include "cli/options.h"

#include <charconv>
#include <string>

#include "cli/hex_io.h"
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

std::string pad(std::string_view text, std::size_t width) {
  std::string out(text);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string action_help(std::string_view group, const Action& action) {
  std::string synopsis = "umbra " + std::string(group) + " " + std::string(action.name);
  std::string details;
  for (const OptionSpec& spec : action.options) {
    const std::string option = "--" + std::string(spec.name) + " " + std::string(spec.value);
    synopsis += spec.required ? " " + option : " [" + option + "]";
    details +=
        "  " + pad(option, 22) + " " + std::string(spec.help) + (spec.required ? "" : " (optional)") + "\n";
  }
  return "Usage: " + synopsis + "\n\n" + std::string(action.summary) +
         "\n\n  stdin:  " + std::string(action.input) + "\n  stdout: " + std::string(action.output) +
         "\n\nOptions:\n" + details + "\nOn failure a message goes to stderr and the exit status is 1.\n";
}

std::string group_help(std::string_view group, std::string_view summary, std::span<const Action> actions) {
  std::string text = "Usage: umbra " + std::string(group) + " <action> [options]\n\n" + std::string(summary) +
                     "\n\nActions:\n";
  for (const Action& action : actions) {
    text += "  " + pad(action.name, 6) + " " + std::string(action.summary) + "\n";
  }
  return text + "\nRun `umbra " + std::string(group) + " <action> --help` for its options.\n";
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
    (void)write_text(stderr, group_help(group, summary, actions));
    return 1;
  }
  if (is_help(args[0])) return write_text(stdout, group_help(group, summary, actions)) ? 0 : 1;
  for (const Action& action : actions) {
    if (action.name != args[0]) continue;
    const Args rest = args.subspan(1);
    for (const std::string_view arg : rest) {
      if (arg == "--help" || arg == "-h") return write_text(stdout, action_help(group, action)) ? 0 : 1;
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
  (void)write_text(stderr, "umbra: " + std::string(message) + "\n");  // nowhere left to report a failure
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
