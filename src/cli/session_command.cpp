// `umbra session create|get|list`: the REST API from the command line, authenticated with a fresh
// project JWT (DESIGN.md section 5).
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/flag_args.h"
#include "cli/options.h"
#include "server/http_client.h"
#include "server/project_auth.h"

namespace umbra::cli {
namespace {

constexpr const char* kSessionHelp =
    "Usage: umbra session create [--mode routed|relayed] [--e2ee] [--archive-mode manual|always] [common]\n"
    "       umbra session get --id ID [common]\n"
    "       umbra session list [common]\n\n"
    "Calls the REST API of a running `umbra serve` and prints its JSON answer.\n\n"
    "Common options:\n"
    "  --url URL           the server (http://127.0.0.1:7880) [UMBRA_URL]\n"
    "  --api-key/--api-secret, UMBRA_API_KEY/UMBRA_API_SECRET, or --dev (devkey/devsecret)\n";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int run_session(Args args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (void)std::fputs(kSessionHelp, args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }
  const std::string_view action = args[0];
  if (action != "create" && action != "get" && action != "list") {
    return fail("unknown action '" + std::string(action) + "' (see `umbra session --help`)");
  }
  const auto parsed =
      parse_flag_args(args.subspan(1), {"mode", "archive-mode", "id", "url", "api-key", "api-secret"},
                      {"e2ee", "dev", "help"});
  if (!parsed) return fail(parsed.error());
  if (parsed->has("help")) {
    (void)std::fputs(kSessionHelp, stdout);
    return 0;
  }
  const auto creds = credentials_from(*parsed);
  if (!creds) return fail(creds.error());
  const char* env_url = std::getenv("UMBRA_URL");
  const std::string url = parsed->get("url").value_or(env_url != nullptr ? env_url : "http://127.0.0.1:7880");
  const std::string jwt = server::mint_project_token(*creds, now_seconds());

  Result<server::HttpClientResponse, std::string> response = err(std::string("unreachable"));
  if (action == "create") {
    nlohmann::json body = {{"mediaMode", parsed->get("mode").value_or("routed")},
                           {"e2ee", parsed->has("e2ee")}};
    if (const auto archive = parsed->get("archive-mode")) body["archiveMode"] = *archive;
    response = server::http_request(url, "POST", "/v1/sessions", body.dump(), jwt);
  } else if (action == "get") {
    const auto id = parsed->get("id");
    if (!id) return fail("missing option --id");
    response = server::http_request(url, "GET", "/v1/sessions/" + *id, "", jwt);
  } else {
    response = server::http_request(url, "GET", "/v1/sessions", "", jwt);
  }
  if (!response) return fail(response.error());
  const auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status >= 300) {
    if (!json.is_discarded() && json.contains("error")) {
      return fail("HTTP " + std::to_string(response->status) + " " + json["error"].value("code", "") + ": " +
                  json["error"].value("message", ""));
    }
    return fail("HTTP " + std::to_string(response->status));
  }
  std::printf("%s\n", json.is_discarded() ? response->body.c_str() : json.dump(2).c_str());
  return 0;
}

}  // namespace umbra::cli
