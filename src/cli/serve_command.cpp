// `umbra serve`: the control plane (and, once it lands, the media router) in one process.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>

#include "cli/command.h"
#include "cli/options.h"
#include "common/log.h"
#include "crypto/certificate.h"
#include "router/router.h"
#include "server/server.h"

namespace umbra::cli {
namespace {

constexpr const char* kServeHelp =
    "Usage: umbra serve [options]\n\n"
    "Runs the REST API, WebSocket signaling and the web SDK/demo on one HTTP port.\n\n"
    "Options (environment variable in brackets):\n"
    "  --http HOST:PORT      listen address (127.0.0.1:7880) [UMBRA_HTTP]\n"
    "  --data-dir DIR        SQLite session store directory (./umbra-data) [UMBRA_DATA_DIR]\n"
    "  --archive-dir DIR     where archives are recorded (<data dir>/archives) [UMBRA_ARCHIVE_DIR]\n"
    "  --download-url-ttl S  lifetime of signed archive download URLs, seconds (3600)\n"
    "                        [UMBRA_DOWNLOAD_URL_TTL]\n"
    "  --api-key KEY         API key, the iss of project JWTs [UMBRA_API_KEY]\n"
    "  --api-secret SECRET   API secret signing every token [UMBRA_API_SECRET]\n"
    "  --dev                 development mode: key devkey, secret devsecret, demo endpoint on\n"
    "  --demo                enable the demo room endpoint (POST /demo/rooms/{name}/join)\n"
    "  --web-root DIR        where dist/ and demo/ are (the source tree's web/) [UMBRA_WEB_ROOT]\n"
    "  --rtc-port PORT       first UDP media port (7881) [UMBRA_RTC_PORT]\n"
    "  --announced-ip IP     address put into ICE candidates [UMBRA_ANNOUNCED_IP]\n"
    "  --workers N           media router workers (one per core) [UMBRA_WORKERS]\n"
    "  --no-router           run without the media router (routed sessions then refuse media)\n"
    "  --rtp-dump DIR        each transport's received RTP (after SRTP) to DIR/<id>.pcap [UMBRA_RTP_DUMP]\n"
    "  --log-level LEVEL     debug, info, warn or error (info) [UMBRA_LOG_LEVEL]\n";

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

bool parse_port(std::string_view text, std::uint16_t& out) {
  const auto v = parse_uint("port", text, 65535);
  if (!v) return false;
  out = static_cast<std::uint16_t>(*v);
  return true;
}

}  // namespace

int run_serve(Args args) {
  server::ServerOptions options;
  std::string http = env_or("UMBRA_HTTP", "127.0.0.1:7880");
  std::string data_dir = env_or("UMBRA_DATA_DIR", "umbra-data");
  std::string web_root = env_or("UMBRA_WEB_ROOT", "");
  std::string archive_dir = env_or("UMBRA_ARCHIVE_DIR", "");
  std::string download_url_ttl =
      env_or("UMBRA_DOWNLOAD_URL_TTL", std::to_string(server::kDefaultDownloadUrlTtlSeconds));
  std::string api_key = env_or("UMBRA_API_KEY", "");
  std::string api_secret = env_or("UMBRA_API_SECRET", "");
  std::string rtc_port = env_or("UMBRA_RTC_PORT", "7881");
  std::string workers = env_or("UMBRA_WORKERS", "0");
  std::string log_level = env_or("UMBRA_LOG_LEVEL", "info");
  std::string rtp_dump = env_or("UMBRA_RTP_DUMP", "");
  options.announced_ip = env_or("UMBRA_ANNOUNCED_IP", "");
  bool key_given = false;
  bool with_router = true;

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      (void)std::fputs(kServeHelp, stdout);
      return 0;
    }
    if (arg == "--dev") {
      options.dev = true;
      continue;
    }
    if (arg == "--demo") {
      options.demo = true;
      continue;
    }
    if (arg == "--no-router") {
      with_router = false;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string> value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      value = std::string(args[i + 1]);
    }
    std::string* target = nullptr;
    if (name == "--http") target = &http;
    if (name == "--data-dir") target = &data_dir;
    if (name == "--web-root") target = &web_root;
    if (name == "--archive-dir") target = &archive_dir;
    if (name == "--download-url-ttl") target = &download_url_ttl;
    if (name == "--api-key") target = &api_key;
    if (name == "--api-secret") target = &api_secret;
    if (name == "--api-key" || name == "--api-secret") key_given = true;
    if (name == "--rtc-port") target = &rtc_port;
    if (name == "--announced-ip") target = &options.announced_ip;
    if (name == "--workers") target = &workers;
    if (name == "--log-level") target = &log_level;
    if (name == "--rtp-dump") target = &rtp_dump;
    if (target == nullptr) return fail("unknown option " + std::string(arg) + " (see `umbra serve --help`)");
    if (!value) return fail("option " + std::string(name) + " needs a value");
    if (arg.find('=') == std::string_view::npos) ++i;
    *target = *value;
  }

  if (!log::set_level(log_level)) return fail("--log-level must be debug, info, warn or error");
  const auto colon = http.rfind(':');
  if (colon == std::string::npos || colon == 0) return fail("--http must be HOST:PORT, e.g. 127.0.0.1:7880");
  options.http_host = http.substr(0, colon);
  if (options.http_host.size() > 2 && options.http_host.front() == '[') {
    options.http_host = options.http_host.substr(1, options.http_host.size() - 2);
  }
  if (!parse_port(std::string_view(http).substr(colon + 1), options.http_port))
    return fail("--http port is invalid");
  if (!parse_port(rtc_port, options.rtc_port) || options.rtc_port == 0) return fail("--rtc-port is invalid");
  const auto worker_count = parse_uint("--workers", workers, 1024);
  if (!worker_count) return fail(worker_count.error());
  options.workers = static_cast<unsigned>(*worker_count);
  // At most a week: a signed URL cannot be revoked on its own (docs/security.md).
  const auto ttl = parse_uint("--download-url-ttl", download_url_ttl, 7 * 24 * 3600);
  if (!ttl) return fail(ttl.error());
  if (*ttl == 0) return fail("--download-url-ttl must be at least 1 second");
  options.download_url_ttl_seconds = static_cast<std::int64_t>(*ttl);
  options.data_dir = data_dir;
  options.web_root = web_root;
  options.archive_dir = archive_dir;
  if (options.announced_ip.empty()) options.announced_ip = options.http_host;
  if (with_router && (options.announced_ip == "0.0.0.0" || options.announced_ip == "::")) {
    return fail("listening on all interfaces needs --announced-ip (the address browsers reach the media on)");
  }

  if (options.dev && !key_given) {
    api_key = "devkey";
    api_secret = "devsecret";
  }
  if (api_key.empty() || api_secret.empty()) {
    return fail(
        "an API key and secret are required: --api-key/--api-secret, UMBRA_API_KEY/UMBRA_API_SECRET, "
        "or --dev for devkey/devsecret");
  }
  options.credentials = {api_key, api_secret};

  // The DTLS identity of this process's media router: fingerprints go into every SDP answer and offer.
  std::optional<crypto::Certificate> certificate;
  server::RouterFactory make_router;
  router::RouterOptions router_options;
  if (with_router) {
    certificate = crypto::Certificate::generate("umbra");
    router_options.listen_ip = options.http_host;
    router_options.rtc_port = options.rtc_port;
    router_options.workers =
        options.workers != 0 ? options.workers : std::max(1u, std::thread::hardware_concurrency());
    router_options.announced_ip = options.announced_ip;
    router_options.rtp_dump_dir = rtp_dump;
    std::error_code dump_error;
    if (!rtp_dump.empty() && !std::filesystem::create_directories(rtp_dump, dump_error) && dump_error) {
      return fail("cannot create --rtp-dump directory " + rtp_dump + ": " + dump_error.message());
    }
    make_router =
        [&](server::ControlPoster post) -> Result<std::unique_ptr<server::MediaRouter>, std::string> {
      try {
        return std::unique_ptr<server::MediaRouter>(
            std::make_unique<router::Router>(router_options, *certificate, std::move(post)));
      } catch (const std::exception& e) {
        return err("cannot start the media router on UDP port " + std::to_string(router_options.rtc_port) +
                   ": " + e.what());
      }
    };
  }
  auto server = server::Server::start(options, make_router);
  if (!server) return fail(server.error());
  const std::string url = "http://" + http.substr(0, colon) + ":" + std::to_string((*server)->port());
  if (options.dev) {
    std::printf("umbra: development mode\n  API key:    %s\n  API secret: %s\n", api_key.c_str(),
                api_secret.c_str());
  }
  std::printf("umbra: listening on %s\n", url.c_str());
  if (options.dev || options.demo) std::printf("umbra: demo at %s/\n", url.c_str());
  (void)std::fflush(stdout);
  (*server)->run_until_signal();
  return 0;
}

}  // namespace umbra::cli
