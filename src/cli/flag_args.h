// Flag-style arguments for the server-facing commands (serve, token, session): `--name value`,
// `--name=value` and bare boolean flags, plus the API credentials every one of them needs.
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "common/result.h"
#include "server/api_credentials.h"

namespace umbra::cli {

struct FlagArgs {
  std::map<std::string, std::string, std::less<>> values;
  std::set<std::string, std::less<>> flags;

  std::optional<std::string> get(std::string_view name) const {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool has(std::string_view name) const { return flags.contains(name); }
};

// `valued` and `boolean` list the accepted names without dashes.
inline Result<FlagArgs, std::string> parse_flag_args(Args args, const std::set<std::string_view>& valued,
                                                     const std::set<std::string_view>& boolean) {
  FlagArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) return err("unexpected argument '" + std::string(arg) + "'");
    std::string_view name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string_view::npos) {
      value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
    }
    if (boolean.contains(name) && !value) {
      out.flags.emplace(name);
      continue;
    }
    if (!valued.contains(name)) return err("unknown option --" + std::string(name));
    if (!value) {
      if (i + 1 >= args.size()) return err("option --" + std::string(name) + " needs a value");
      value = std::string(args[++i]);
    }
    out.values[std::string(name)] = *value;
  }
  return out;
}

// --api-key/--api-secret, else UMBRA_API_KEY/UMBRA_API_SECRET, else devkey/devsecret with --dev.
inline Result<server::ApiCredentials, std::string> credentials_from(const FlagArgs& args) {
  const auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  server::ApiCredentials creds{args.get("api-key").value_or(env("UMBRA_API_KEY")),
                               args.get("api-secret").value_or(env("UMBRA_API_SECRET"))};
  if (args.has("dev") && creds.key.empty() && creds.secret.empty()) creds = {"devkey", "devsecret"};
  if (creds.key.empty() || creds.secret.empty()) {
    return err(
        std::string("an API key and secret are required: --api-key/--api-secret, "
                    "UMBRA_API_KEY/UMBRA_API_SECRET, or --dev"));
  }
  return creds;
}

}  // namespace umbra::cli
