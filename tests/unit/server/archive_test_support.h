// Test doubles for the archiving tests: a MediaRouter whose recording calls the test answers by hand
// (completions and updates fire when the test says so), and a temporary data directory with the
// session store, archive store and an ArchiveService capturing the events it broadcasts.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/archive_service.h"
#include "server/archive_store.h"
#include "server/media_router.h"
#include "server/session_store.h"

namespace umbra::server::testing {

class FakeRecordingRouter final : public MediaRouter {
 public:
  struct Start {
    RecordingOptions options;
    RouterCallback<RecordingReport> done;
  };
  struct Stop {
    std::string archive_id;
    std::string reason;
    RouterCallback<RecordingReport> done;
  };

  bool available() const override { return available_; }
  void create_transport(const TransportOptions&, RouterCallback<TransportInfo>) override {}
  void connect_transport(const std::string&, const DtlsParameters&, RouterCallback<RouterDone>) override {}
  void produce(const std::string&, const ProduceOptions&, RouterCallback<ProducerInfo>) override {}
  void consume(const std::string&, const ConsumeOptions&, RouterCallback<ConsumerInfo>) override {}
  void set_consumer_paused(const std::string&, bool) override {}
  void close_transport(const std::string& transport_id) override {
    closed_transports.push_back(transport_id);
  }
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)> fn) override {
    transport_closed = std::move(fn);
  }
  RouterStats stats() const override { return {}; }
  void start_recording(const RecordingOptions& options, RouterCallback<RecordingReport> done) override {
    if (fail_start_now_) {
      done(RouterOutcome<RecordingReport>{std::nullopt, *fail_start_now_});
      return;
    }
    starts.push_back({options, std::move(done)});
  }
  void stop_recording(const std::string& archive_id, const std::string& reason,
                      RouterCallback<RecordingReport> done) override {
    stops.push_back({archive_id, reason, std::move(done)});
  }
  void set_on_recording_update(std::function<void(const RecordingReport&)> fn) override {
    update = std::move(fn);
  }

  // A report for an archive, in the shape the real router sends.
  static RecordingReport report(const std::string& archive_id, const std::string& status,
                                std::vector<RecordedStream> streams = {}, bool finished = false) {
    RecordingReport r;
    r.archive_id = archive_id;
    r.status = status;
    r.streams = std::move(streams);
    r.finished = finished;
    return r;
  }
  static RecordedStream stream(const std::string& stream_id, const std::string& kind,
                               const std::string& state) {
    return {stream_id, kind, stream_id + "-" + kind + ".webm", 120, 0, state, ""};
  }

  bool available_ = true;
  std::optional<RouterError> fail_start_now_;
  std::vector<Start> starts;
  std::vector<Stop> stops;
  std::function<void(const RecordingReport&)> update;
  std::vector<std::string> closed_transports;  // close_transport() calls, in order
  std::function<void(const std::string&, const std::string&)> transport_closed;
};

class ArchiveFixture : public ::testing::Test {
 protected:
  ArchiveFixture()
      : dir_(std::filesystem::temp_directory_path() /
             ("umbra-archive-test-" + std::to_string(crypto::random_u64()))) {
    open();
  }
  ~ArchiveFixture() override {
    close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void open() {
    auto sessions = SessionStore::open(dir_);
    if (!sessions) throw std::runtime_error(sessions.error());
    sessions_ = std::move(*sessions);
    auto archives = ArchiveStore::open(*sessions_);
    if (!archives) throw std::runtime_error(archives.error());
    archives_ = std::move(*archives);
    service_ = std::make_unique<ArchiveService>(
        root(), *archives_, *sessions_, router_,
        [this](const std::string& session_id, const nlohmann::json& event) {
          events_.push_back({session_id, event});
        },
        [this] { return now_ms_; });
  }
  void close() {
    service_.reset();
    archives_.reset();
    sessions_.reset();
  }

  std::filesystem::path root() const { return dir_ / "archives"; }

  SessionRecord add_session(const std::string& id, MediaMode mode = MediaMode::kRouted, bool e2ee = false,
                            ArchiveMode archive_mode = ArchiveMode::kManual) {
    SessionRecord r;
    r.id = id;
    r.media_mode = mode;
    r.e2ee = e2ee;
    r.archive_mode = archive_mode;
    r.created_at_ms = now_ms_;
    EXPECT_TRUE(sessions_->insert(r).ok());
    return r;
  }

  std::vector<std::string> event_types() const {
    std::vector<std::string> out;
    for (const auto& [session, event] : events_) out.push_back(event["type"].get<std::string>());
    return out;
  }

  std::filesystem::path dir_;
  std::int64_t now_ms_ = 1'800'000'000'000;
  FakeRecordingRouter router_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<ArchiveStore> archives_;
  std::unique_ptr<ArchiveService> service_;
  std::vector<std::pair<std::string, nlohmann::json>> events_;
};

}  // namespace umbra::server::testing
