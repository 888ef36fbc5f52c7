#include "server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "server/archive_service.h"
#include "server/archive_store.h"
#include "server/http_server.h"
#include "server/media_router.h"
#include "server/rest_api.h"
#include "server/session_store.h"
#include "server/signaling_hub.h"
#include "server/static_files.h"

namespace umbra::server {
namespace {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How long a graceful stop waits for running archives to finish their files.
constexpr auto kArchiveStopGrace = std::chrono::seconds(5);

}  // namespace

struct Server::Impl {
  boost::asio::io_context io{1};
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<ArchiveStore> archive_store;
  std::unique_ptr<MediaRouter> router;
  std::unique_ptr<SignalingHub> hub;
  std::unique_ptr<ArchiveService> archives;
  std::unique_ptr<StaticFiles> files;
  std::unique_ptr<RestApi> api;
  std::unique_ptr<HttpServer> http;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  // Sockets (and their handlers, which point at the hub) go before the hub does. A handler that
  // throws while draining must not escape a destructor; the rest of teardown still has to run.
  try {
    if (impl_->http) impl_->http->close();
    impl_->io.stop();
    impl_->http.reset();
    impl_->io.restart();
    impl_->io.poll();
    // Running archives are stopped ("interrupted") and the loop runs a little longer so the
    // router's final reports (files finished, durations) reach their records. Whatever has not
    // reported by the deadline is marked failed/interrupted; the router's destructor still
    // finishes those files (docs/archiving.md).
    if (impl_->archives) {
      if (impl_->archives->stop_all_for_shutdown() > 0) {
        const auto deadline = std::chrono::steady_clock::now() + kArchiveStopGrace;
        while (impl_->archives->running_count() > 0 && std::chrono::steady_clock::now() < deadline) {
          // A loop that ran out of work counts as stopped until restarted, even after new posts.
          if (impl_->io.stopped()) impl_->io.restart();
          impl_->io.run_one_for(std::chrono::milliseconds(50));
        }
      }
      if (const auto n = impl_->archives->shutdown(); n > 0)
        log::warn("serve", "archives interrupted by the stop", {{"count", std::to_string(n)}});
    }
  } catch (const std::exception& e) {
    log::error("serve", "shutdown failed", {{"error", e.what()}});
  } catch (...) {
    log::error("serve", "shutdown failed");
  }
}

Result<std::unique_ptr<Server>, std::string> Server::start(const ServerOptions& options,
                                                           const RouterFactory& make_router) {
  if (options.credentials.key.empty() || options.credentials.secret.empty()) {
    return err(
        std::string("an API key and secret are required (--api-key/--api-secret, UMBRA_API_KEY/"
                    "UMBRA_API_SECRET, or --dev)"));
  }
  auto impl = std::make_unique<Impl>();
  auto store = SessionStore::open(options.data_dir);
  if (!store) return err(store.error());
  impl->store = std::move(*store);
  auto archive_store = ArchiveStore::open(*impl->store);
  if (!archive_store) return err(archive_store.error());
  impl->archive_store = std::move(*archive_store);
  if (make_router) {
    boost::asio::io_context* io = &impl->io;
    auto router = make_router([io](std::function<void()> fn) { boost::asio::post(*io, std::move(fn)); });
    if (!router) return err(router.error());
    impl->router = std::move(*router);
  } else {
    impl->router = make_unavailable_media_router();
  }

  HubConfig hub_config;
  hub_config.credentials = options.credentials;
  SessionStore* store_ptr = impl->store.get();
  impl->hub = std::make_unique<SignalingHub>(
      hub_config, [store_ptr](const std::string& id) { return store_ptr->find(id); }, *impl->router);
  const auto archive_root = options.archive_dir.empty() ? options.data_dir / "archives" : options.archive_dir;
  SignalingHub* hub_ptr = impl->hub.get();
  impl->archives = std::make_unique<ArchiveService>(
      archive_root, *impl->archive_store, *impl->store, *impl->router,
      [hub_ptr](const std::string& session_id, const nlohmann::json& event) {
        hub_ptr->broadcast_to_session(session_id, event);
      },
      wall_clock_ms);
  if (const auto n = impl->archives->recover(); n > 0) {
    log::warn("serve", "archives interrupted by an earlier stop", {{"count", std::to_string(n)}});
  }
  ArchiveService* archives_ptr = impl->archives.get();
  impl->hub->set_archive_hooks(
      ArchiveHooks{[archives_ptr](const SessionRecord& session, const std::string& stream_id) {
                     archives_ptr->stream_published(session, stream_id);
                   },
                   [archives_ptr](const SessionRecord& session, const std::string& stream_id) {
                     archives_ptr->stream_destroyed(session, stream_id);
                   },
                   [archives_ptr](const std::string& session_id) -> nlohmann::json {
                     const auto running = archives_ptr->running_archive(session_id);
                     return running ? archive_json(*running, false) : nlohmann::json();
                   }});
  impl->files =
      std::make_unique<StaticFiles>(options.web_root.empty() ? default_web_root() : options.web_root);
  RestConfig rest_config{options.credentials, options.dev || options.demo};
  rest_config.download_url_ttl_seconds = options.download_url_ttl_seconds;
  impl->api = std::make_unique<RestApi>(rest_config, *impl->store, *impl->hub, *impl->router, *impl->archives,
                                        *impl->files, wall_clock_ms);
  impl->http = std::make_unique<HttpServer>(impl->io, *impl->api, *impl->hub);
  const auto listening = impl->http->listen(options.http_host, options.http_port);
  if (!listening) return err(listening.error());

  const std::string port = std::to_string(impl->http->port());
  log::info("serve", "listening",
            {{"http", options.http_host + ":" + port},
             {"data", impl->store->path().string()},
             {"web", impl->files->root().string()},
             {"archives", archive_root.string()},
             {"router", impl->router->available() ? "on" : "unavailable"}});
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  return impl_->http->port();
}

void Server::run() {
  impl_->io.run();
}

void Server::run_until_signal() {
  boost::asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    log::info("serve", "stopping on signal");
    impl_->io.stop();
  });
  impl_->io.run();
}

void Server::stop() {
  impl_->io.stop();
}

}  // namespace umbra::server
