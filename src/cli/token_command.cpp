// `umbra token create`: mints a client token offline with the API secret (DESIGN.md section 5).
#include <chrono>
#include <cstdio>

#include "cli/flag_args.h"
#include "cli/options.h"
#include "server/client_token.h"

namespace umbra::cli {
namespace {

constexpr const char* kTokenHelp =
    "Usage: umbra token create --session ID [--role ROLE] [--ttl DURATION] [--data TEXT]\n"
    "                          [--api-key KEY --api-secret SECRET | --dev]\n\n"
    "Mints a client token (a JWT signed with the API secret) for one session, offline.\n\n"
    "  --session ID        the session id (ses_…)\n"
    "  --role ROLE         subscriber, publisher (default), publisheronly or moderator\n"
    "  --ttl DURATION      lifetime: 3600, 90s, 15m, 24h (default) or 7d; at most 30d\n"
    "  --data TEXT         connection data other participants see, at most 1000 characters\n"
    "  --api-key/--api-secret, UMBRA_API_KEY/UMBRA_API_SECRET, or --dev (devkey/devsecret)\n\n"
    "Prints the token on stdout.\n";

std::optional<std::int64_t> parse_duration(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t unit = 1;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: unit = 0;
  }
  if (unit != 0) text.remove_suffix(1);
  if (unit == 0) unit = 1;
  if (text.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v * unit;
}

}  // namespace

int run_token(Args args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (void)std::fputs(kTokenHelp, args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }
  if (args[0] != "create")
    return fail("unknown action '" + std::string(args[0]) + "' (see `umbra token --help`)");
  const auto parsed = parse_flag_args(
      args.subspan(1), {"session", "role", "ttl", "data", "api-key", "api-secret"}, {"dev", "help"});
  if (!parsed) return fail(parsed.error());
  if (parsed->has("help")) {
    (void)std::fputs(kTokenHelp, stdout);
    return 0;
  }
  const auto creds = credentials_from(*parsed);
  if (!creds) return fail(creds.error());
  server::ClientTokenRequest request;
  const auto session = parsed->get("session");
  if (!session) return fail("missing option --session");
  request.session_id = *session;
  if (const auto role = parsed->get("role")) {
    const auto r = server::parse_role(*role);
    if (!r) return fail("--role must be subscriber, publisher, publisheronly or moderator");
    request.role = *r;
  }
  if (const auto ttl = parsed->get("ttl")) {
    const auto seconds = parse_duration(*ttl);
    if (!seconds) return fail("--ttl must look like 3600, 90s, 15m, 24h or 7d");
    request.ttl_seconds = *seconds;
  }
  request.data = parsed->get("data").value_or("");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const auto token = server::mint_client_token(*creds, request, now);
  if (!token) return fail(token.error().message);
  std::printf("%s\n", token->token.c_str());
  return 0;
}

}  // namespace umbra::cli
