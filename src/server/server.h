// `umbra serve` as an object: opens the store, builds the hub and REST API, listens with Beast and runs
// the control-plane event loop. Tests start it in-process on an ephemeral port.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "server/api_credentials.h"
#include "server/download_url.h"
#include "server/media_router.h"

namespace umbra::server {

struct ServerOptions {
  std::string http_host = "127.0.0.1";
  std::uint16_t http_port = 7880;  // 0 = pick a free port (tests)
  std::filesystem::path data_dir = "umbra-data";
  std::filesystem::path web_root;     // empty = the repository's web/ known at build time
  std::filesystem::path archive_dir;  // empty = <data_dir>/archives (one directory per archive inside)
  ApiCredentials credentials;
  bool dev = false;
  bool demo = false;
  // How long an archive's signed downloadUrl stays valid (docs/rest-api.md).
  std::int64_t download_url_ttl_seconds = kDefaultDownloadUrlTtlSeconds;
  // Kept for the media router (DESIGN.md section 1); the control plane only passes them on.
  std::uint16_t rtc_port = 7881;
  std::string announced_ip;
  unsigned workers = 0;  // 0 = one per core
};

// Runs a function on the control-plane thread (how the router hands back its completions).
using ControlPoster = std::function<void(std::function<void()>)>;
// Builds the media router once the control plane's event loop exists; errors are sentences.
using RouterFactory = std::function<Result<std::unique_ptr<MediaRouter>, std::string>(ControlPoster)>;

class Server {
 public:
  // Opens the store and binds the listener; errors are sentences for the operator.
  // Without a router factory, routed media is reported as unavailable.
  static Result<std::unique_ptr<Server>, std::string> start(const ServerOptions& options,
                                                            const RouterFactory& make_router = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;

  // Runs the event loop on the calling thread until stop().
  void run();
  // Same, and also returns on SIGINT or SIGTERM.
  void run_until_signal();
  // Thread-safe; makes run() return.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::server
