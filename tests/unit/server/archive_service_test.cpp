#include "server/archive_service.h"

#include <gtest/gtest.h>

#include <fstream>

#include "archive/webm_repair.h"
#include "archive/webm_writer.h"
#include "server/rest_archives.h"
#include "unit/server/archive_test_support.h"

namespace umbra::server {
namespace {

using nlohmann::json;
using testing::ArchiveFixture;
using testing::FakeRecordingRouter;

class ArchiveServiceTest : public ArchiveFixture {
 protected:
  ArchiveRecord start_ok(const std::string& session_id, const std::string& name = "") {
    auto started = service_->start({session_id, name, true, true});
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    return started.ok() ? *started : ArchiveRecord{};
  }

  // Answers the router's pending start with a first report.
  void answer_start(std::size_t i, std::vector<RecordedStream> streams = {}) {
    auto& s = router_.starts.at(i);
    s.done({FakeRecordingRouter::report(s.options.archive_id, "started", std::move(streams)), {}});
  }

  // `frames` 20 ms Opus frames and the process killed: no trailer, and the router last said 0 ms.
  static void write_crashed_audio(const std::filesystem::path& path, std::int64_t frames) {
    auto writer = archive::WebmWriter::create(path.string(), archive::MediaKind::kAudio);
    ASSERT_TRUE(writer.ok()) << writer.error();
    const Bytes frame(40, 0xfc);  // TOC: 20 ms CELT frames; neither muxer nor repair decodes them
    for (std::int64_t i = 0; i < frames; ++i) ASSERT_TRUE((*writer)->write(frame, i * 20, true, 20).ok());
  }

  static std::vector<std::string> segments_of(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 1;
    while (start <= path.size()) {
      auto end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      segments.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    return segments;
  }

  HttpResponse get(RestArchives& routes, const std::string& target) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    const auto [path, query] = split_target(target);
    return routes.route(request, segments_of(path), query);
  }

  // What the REST API does before its JWT check: nullopt means "not a signed URL, needs the JWT".
  std::optional<HttpResponse> get_signed(RestArchives& routes, const std::string& target,
                                         const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    const auto [path, query] = split_target(target);
    return routes.signed_download(request, segments_of(path), query);
  }

  static std::string code_of(const HttpResponse& r) {
    const auto body = json::parse(r.body, nullptr, false);
    return body.is_discarded() || !body.contains("error") ? "<none>"
                                                          : body["error"]["code"].get<std::string>();
  }

  RestArchives routes_at(const std::int64_t& now_ms) {
    return RestArchives(*service_, DownloadUrlSigner("devsecret", 3600), [&now_ms] { return now_ms; });
  }
};

TEST_F(ArchiveServiceTest, UnknownSessionIsNotFound) {
  const auto r = service_->start({"ses_none", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 404);
  EXPECT_EQ(r.error().code, "session_not_found");
}

TEST_F(ArchiveServiceTest, E2eeSessionIsRefusedBecauseTheRouterCannotDecode) {
  add_session("ses_e2ee", MediaMode::kRouted, true);
  const auto r = service_->start({"ses_e2ee", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(r.error().code, "e2ee_unsupported");
  EXPECT_NE(r.error().message.find("the router cannot decode end-to-end encrypted media"), std::string::npos);
  EXPECT_TRUE(router_.starts.empty());
  EXPECT_EQ(archives_->count(""), 0u);
}

TEST_F(ArchiveServiceTest, RelayedSessionNeedsRouted) {
  add_session("ses_relayed", MediaMode::kRelayed);
  const auto r = service_->start({"ses_relayed", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(r.error().code, "routed_required");
}

TEST_F(ArchiveServiceTest, AnArchiveWithoutAudioOrVideoIsInvalid) {
  add_session("ses_1");
  const auto r = service_->start({"ses_1", "", false, false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().code, "invalid_archive");
}

TEST_F(ArchiveServiceTest, ASecondArchiveOfTheSameSessionIsInProgress) {
  add_session("ses_1");
  start_ok("ses_1");
  const auto r = service_->start({"ses_1", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_EQ(r.error().code, "archive_in_progress");
}

TEST_F(ArchiveServiceTest, WithoutARouterTheAnswerIsUnavailable) {
  add_session("ses_1");
  router_.available_ = false;
  const auto r = service_->start({"ses_1", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 503);
  EXPECT_EQ(r.error().code, "router_unavailable");
}

TEST_F(ArchiveServiceTest, AnUnwritableRootIsAnImmediateErrorWithNoRecordLeft) {
  add_session("ses_1");
  std::filesystem::create_directories(dir_);
  std::ofstream(root()) << "a file where the archive root should be";
  const auto r = service_->start({"ses_1", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 500);
  EXPECT_EQ(r.error().code, "storage_unavailable");
  EXPECT_NE(r.error().message.find(root().string()), std::string::npos) << r.error().message;
  EXPECT_EQ(archives_->count(""), 0u);
  EXPECT_TRUE(router_.starts.empty());
  EXPECT_TRUE(events_.empty());
}

TEST_F(ArchiveServiceTest, StartCreatesTheDirectoryStoresTheRecordAndTellsTheClients) {
  add_session("ses_1");
  const auto a = start_ok("ses_1", "weekly");
  EXPECT_EQ(a.state, ArchiveState::kStarted);
  EXPECT_EQ(a.name, "weekly");
  EXPECT_TRUE(std::filesystem::is_directory(root() / a.id));
  ASSERT_EQ(router_.starts.size(), 1u);
  EXPECT_EQ(router_.starts[0].options.archive_id, a.id);
  EXPECT_EQ(router_.starts[0].options.room_id, "ses_1");
  EXPECT_EQ(router_.starts[0].options.archive_root, root().string());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "ses_1");
  EXPECT_EQ(events_[0].second["type"], "archiveStarted");
  EXPECT_EQ(events_[0].second["archive"]["id"], a.id);
  EXPECT_EQ(events_[0].second["archive"]["status"], "started");
  EXPECT_FALSE(events_[0].second["archive"].contains("streams"));
  EXPECT_EQ(service_->counters().started_total, 1u);
  EXPECT_EQ(service_->running_count(), 1u);
  EXPECT_EQ(service_->running_archive("ses_1")->id, a.id);
}

TEST_F(ArchiveServiceTest, EveryReportIsPersisted) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "video", "recording")});
  EXPECT_EQ(service_->find(a.id)->streams.size(), 1u);
  ASSERT_TRUE(router_.update);
  router_.update(FakeRecordingRouter::report(a.id, "started",
                                             {FakeRecordingRouter::stream("str_a", "video", "recording"),
                                              FakeRecordingRouter::stream("str_b", "audio", "recording")}));
  const auto found = service_->find(a.id);
  ASSERT_EQ(found->streams.size(), 2u);
  EXPECT_EQ(found->streams[1].stream_id, "str_b");
  EXPECT_EQ(found->state, ArchiveState::kStarted);
}

TEST_F(ArchiveServiceTest, StopIsStoppingUntilTheFinalReport) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "video", "recording")});
  now_ms_ += 10'000;
  const auto stopping = service_->stop(a.id, "requested");
  ASSERT_TRUE(stopping.ok());
  EXPECT_EQ(stopping->state, ArchiveState::kStopping);
  EXPECT_EQ(stopping->reason, "requested");
  EXPECT_EQ(stopping->stopped_at_ms, now_ms_);
  ASSERT_EQ(router_.stops.size(), 1u);
  EXPECT_EQ(router_.stops[0].reason, "requested");
  EXPECT_EQ(event_types(), (std::vector<std::string>{"archiveStarted", "archiveStopped"}));
  EXPECT_EQ(events_[1].second["archive"]["status"], "stopping");
  EXPECT_EQ(events_[1].second["archive"]["reason"], "requested");
  EXPECT_EQ(service_->running_count(), 1u) << "files are still being finished";

  auto final_stream = FakeRecordingRouter::stream("str_a", "video", "recorded");
  final_stream.duration_ms = 9800;
  auto report = FakeRecordingRouter::report(a.id, "stopped", {final_stream}, true);
  report.stop_reason = "requested";
  router_.stops[0].done({report, {}});
  const auto stopped = service_->find(a.id);
  EXPECT_EQ(stopped->state, ArchiveState::kStopped);
  EXPECT_EQ(stopped->streams[0].state, "recorded");
  EXPECT_EQ(stopped->streams[0].duration_ms, 9800);
  EXPECT_EQ(service_->running_count(), 0u);
  EXPECT_EQ(events_.size(), 2u) << "archiveStopped is sent once";
  EXPECT_TRUE(service_->start({"ses_1", "", true, true}).ok()) << "the session may archive again";
}

TEST_F(ArchiveServiceTest, StoppingAnEndedOrUnknownArchiveIsRefused) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  router_.update(FakeRecordingRouter::report(a.id, "stopped", {}, true));
  const auto again = service_->stop(a.id, "requested");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().status, 409);
  EXPECT_EQ(again.error().code, "archive_not_running");
  const auto unknown = service_->stop("arc_none", "requested");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().status, 404);
  EXPECT_EQ(unknown.error().code, "archive_not_found");
}

TEST_F(ArchiveServiceTest, AnAsyncRouterFailureFailsTheArchiveAndTellsTheClients) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  router_.starts[0].done(
      {std::nullopt, RouterError{"archive_storage_failed", "cannot create /x: Permission denied"}});
  const auto failed = service_->find(a.id);
  EXPECT_EQ(failed->state, ArchiveState::kFailed);
  EXPECT_EQ(failed->reason, "storage_failed");
  EXPECT_EQ(failed->error, "cannot create /x: Permission denied");
  ASSERT_EQ(event_types(), (std::vector<std::string>{"archiveStarted", "archiveStopped"}));
  EXPECT_EQ(events_[1].second["archive"]["status"], "failed");
  EXPECT_EQ(events_[1].second["archive"]["error"], "cannot create /x: Permission denied");
  EXPECT_EQ(service_->counters().failed_total, 1u);
  EXPECT_EQ(service_->running_count(), 0u);
}

TEST_F(ArchiveServiceTest, AFileFailureReportedLaterFailsTheArchive) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  auto report = FakeRecordingRouter::report(a.id, "failed",
                                            {FakeRecordingRouter::stream("str_a", "video", "failed")}, true);
  report.stop_reason = "storage_failed";
  report.error = "cannot write to str_a-video.webm: No space left on device";
  router_.update(report);
  const auto failed = service_->find(a.id);
  EXPECT_EQ(failed->state, ArchiveState::kFailed);
  EXPECT_EQ(failed->reason, "storage_failed");
  EXPECT_EQ(events_.back().second["archive"]["error"], report.error);
}

TEST_F(ArchiveServiceTest, ARouterThatFailsInsideTheCallAnswersTheRequest) {
  add_session("ses_1");
  router_.fail_start_now_ = RouterError{"not_implemented", "recording is not wired into the router yet"};
  const auto r = service_->start({"ses_1", "", true, true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 502);
  EXPECT_EQ(r.error().code, "not_implemented");
  EXPECT_EQ(archives_->list("ses_1", 10, 0)[0].reason, "") << "not a storage failure: the error says why";
  const auto listed = archives_->list("ses_1", 10, 0);
  ASSERT_EQ(listed.size(), 1u) << "the failed attempt is on record";
  EXPECT_EQ(listed[0].state, ArchiveState::kFailed);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"archiveStarted", "archiveStopped"}));
}

TEST_F(ArchiveServiceTest, AlwaysModeStartsAtTheFirstPublishAndStopsWhenTheLastLeaves) {
  const auto session = add_session("ses_always", MediaMode::kRouted, false, ArchiveMode::kAlways);
  service_->stream_published(session, "str_1");
  ASSERT_EQ(router_.starts.size(), 1u);
  const auto running = service_->running_archive("ses_always");
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->name, "auto");
  service_->stream_published(session, "str_2");
  EXPECT_EQ(router_.starts.size(), 1u) << "later streams join the running archive";
  service_->stream_destroyed(session, "str_1");
  EXPECT_TRUE(router_.stops.empty());
  service_->stream_destroyed(session, "str_2");
  ASSERT_EQ(router_.stops.size(), 1u);
  EXPECT_EQ(router_.stops[0].reason, "last_stream_left");
  EXPECT_EQ(service_->find(running->id)->reason, "last_stream_left");
}

TEST_F(ArchiveServiceTest, ManualSessionsDoNotArchiveOnPublish) {
  const auto session = add_session("ses_manual");
  service_->stream_published(session, "str_1");
  EXPECT_TRUE(router_.starts.empty());
}

TEST_F(ArchiveServiceTest, EndingTheSessionStopsItsArchive) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  service_->session_ended("ses_1");
  ASSERT_EQ(router_.stops.size(), 1u);
  EXPECT_EQ(router_.stops[0].reason, "session_ended");
  EXPECT_EQ(service_->find(a.id)->reason, "session_ended");
}

TEST_F(ArchiveServiceTest, DeleteRefusesARunningArchiveAndRemovesAnEndedOneWithItsFiles) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  std::ofstream(root() / a.id / "str_a-video.webm") << "webm";
  const auto running = service_->remove(a.id);
  ASSERT_FALSE(running.ok());
  EXPECT_EQ(running.error().status, 409);
  EXPECT_EQ(running.error().code, "archive_in_progress");
  router_.update(FakeRecordingRouter::report(a.id, "stopped", {}, true));
  EXPECT_TRUE(service_->remove(a.id).ok());
  EXPECT_FALSE(service_->find(a.id).has_value());
  EXPECT_FALSE(std::filesystem::exists(root() / a.id));
  const auto again = service_->remove(a.id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "archive_not_found");
}

TEST_F(ArchiveServiceTest, FilesAreServedOnlyByTheirListedNames) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  auto evil = FakeRecordingRouter::stream("str_b", "audio", "recorded");
  evil.file = "../../umbra.db";
  answer_start(0, {FakeRecordingRouter::stream("str_a", "video", "recording"),
                   FakeRecordingRouter::stream("str_c", "audio", "no_media"), evil});
  std::ofstream(root() / a.id / "str_a-video.webm") << "webm";
  const std::int64_t now_ms = 1'800'000'000'000;
  auto routes = routes_at(now_ms);
  const std::string base = "/v1/archives/" + a.id + "/files/";

  const auto ok = get(routes, base + "str_a-video.webm");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "video/webm");
  EXPECT_EQ(ok.file_path, (root() / a.id / "str_a-video.webm").string());

  for (const std::string& name : {std::string("..%2F..%2Fumbra.db"), std::string("..%2f..%2fumbra.db"),
                                  std::string("%2e%2e"), std::string("str_x-video.webm")}) {
    EXPECT_EQ(get(routes, base + name).status, 404) << name;
  }
  // "a/../b" arrives as more path segments: not a file route at all.
  EXPECT_EQ(get(routes, base + "../../umbra.db").status, 404);
  // A name a report listed is still refused if it is not one plain file name.
  EXPECT_EQ(service_->file(a.id, "../../umbra.db").error().code, "file_not_found");
  // Listed but nothing written (no media): 404 with the reason.
  EXPECT_EQ(get(routes, base + "str_c-audio.webm").status, 404);
  EXPECT_EQ(get(routes, "/v1/archives/arc_none/files/str_a-video.webm").status, 404);
}

TEST_F(ArchiveServiceTest, ArchiveJsonCarriesADownloadUrlValidForAnHour) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "video", "recording")});
  std::ofstream(root() / a.id / "str_a-video.webm") << "webm";
  std::int64_t now_ms = 1'800'000'000'000;
  auto routes = routes_at(now_ms);
  const auto archive = json::parse(get(routes, "/v1/archives/" + a.id).body);
  const std::string url = archive["streams"][0]["url"];
  const std::string download = archive["streams"][0]["downloadUrl"];
  EXPECT_TRUE(download.starts_with(url + "?expires=1800003600&signature=")) << download;

  EXPECT_FALSE(get_signed(routes, url).has_value()) << "a plain url still needs the project JWT";
  const auto served = get_signed(routes, download);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->file_path, (root() / a.id / "str_a-video.webm").string());
  EXPECT_EQ(get_signed(routes, download, "POST")->status, 405);

  now_ms += 3'599'999;
  EXPECT_EQ(get_signed(routes, download)->status, 200) << "valid up to the last millisecond before expires";
  now_ms += 1;
  const auto expired = get_signed(routes, download);
  EXPECT_EQ(expired->status, 403);
  EXPECT_EQ(code_of(*expired), "url_expired");
  EXPECT_TRUE(expired->file_path.empty());

  const auto fresh = json::parse(get(routes, "/v1/archives/" + a.id).body)["streams"][0]["downloadUrl"];
  EXPECT_EQ(get_signed(routes, fresh.get<std::string>())->status, 200)
      << "GET the archive again for a new URL";
}

TEST_F(ArchiveServiceTest, ASignedUrlIsCheckedBeforeTheArchiveIsLookedUp) {
  const std::int64_t now_ms = 1'800'000'000'000;
  auto routes = routes_at(now_ms);
  const auto unknown =
      get_signed(routes, "/v1/archives/arc_none/files/x.webm?expires=1900000000&signature=AAAA");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 403) << "not 404: a bad URL learns nothing about what exists";
  EXPECT_EQ(code_of(*unknown), "invalid_signature");
  const DownloadUrlSigner signer("devsecret", 3600);
  const auto genuine = get_signed(routes, signer.sign("/v1/archives/arc_none/files/x.webm", now_ms / 1000));
  EXPECT_EQ(genuine->status, 404) << "a genuine URL for a deleted archive";
  EXPECT_EQ(code_of(*genuine), "archive_not_found");
}

TEST_F(ArchiveServiceTest, RecordsRunningAtStartUpBecomeInterrupted) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "video", "recording")});
  close();  // the process dies: no stop, no final report
  open();
  EXPECT_EQ(service_->recover(), 1u);
  const auto found = service_->find(a.id);
  EXPECT_EQ(found->state, ArchiveState::kFailed);
  EXPECT_EQ(found->reason, "interrupted");
  EXPECT_NE(found->error.find("the server stopped while recording"), std::string::npos);
  EXPECT_EQ(found->streams[0].state, "failed");
  EXPECT_FALSE(service_->running_archive("ses_1").has_value());
  EXPECT_TRUE(service_->start({"ses_1", "", true, true}).ok());
}

TEST_F(ArchiveServiceTest, AnInterruptedFileIsRepairedAtStartUp) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "audio", "recording"),
                   FakeRecordingRouter::stream("str_b", "video", "recording"),
                   FakeRecordingRouter::stream("str_c", "video", "recording")});
  const auto audio_path = root() / a.id / "str_a-audio.webm";
  write_crashed_audio(audio_path, 150);
  std::ofstream(root() / a.id / "str_b-video.webm", std::ios::binary) << std::string(1000, 'x');
  close();
  open();
  EXPECT_EQ(service_->recover(), 1u);
  const auto found = service_->find(a.id);
  EXPECT_EQ(found->state, ArchiveState::kFailed) << "the recording itself was cut short";
  EXPECT_EQ(found->reason, "interrupted");
  EXPECT_EQ(found->error, kInterruptedMessage) << "not every file could be repaired";

  const auto& audio = found->streams.at(0);
  EXPECT_EQ(audio.state, "recorded") << audio.error;
  EXPECT_GE(audio.duration_ms, 2000);  // the muxer closes a cluster every second
  EXPECT_LE(audio.duration_ms, 3000);
  EXPECT_EQ(audio.error.rfind("interrupted: cut by a server stop and repaired; the file plays " +
                                  std::to_string(audio.duration_ms / 1000) + ".",
                              0),
            0u)
      << audio.error;
  // The file on disk is now a finished one: it has its trailer, so reading it again finds no cut.
  const auto again = archive::repair_webm(audio_path.string());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(again->cut) << again->why;
  EXPECT_EQ(again->duration_ms, audio.duration_ms);

  const auto& garbage = found->streams.at(1);
  EXPECT_EQ(garbage.state, "failed");
  EXPECT_EQ(garbage.duration_ms, 0);
  EXPECT_NE(garbage.error.find("nothing playable"), std::string::npos) << garbage.error;
  EXPECT_EQ(std::filesystem::file_size(root() / a.id / "str_b-video.webm"), 1000u) << "left as it was";

  const auto& missing = found->streams.at(2);
  EXPECT_EQ(missing.state, "failed");
  EXPECT_EQ(missing.duration_ms, 0);
  EXPECT_NE(missing.error.find("the file is missing"), std::string::npos) << missing.error;

  // What the REST API shows after the restart.
  const json shown = archive_json(*found);
  EXPECT_EQ(shown["streams"][0]["duration"], audio.duration_ms);
  EXPECT_EQ(shown["streams"][0]["state"], "recorded");
}

TEST_F(ArchiveServiceTest, AnArchiveWhoseCutFilesWereAllRepairedSaysSo) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "audio", "recording"),
                   FakeRecordingRouter::stream("str_b", "audio", "recorded")});
  write_crashed_audio(root() / a.id / "str_a-audio.webm", 100);
  close();
  open();
  EXPECT_EQ(service_->recover(), 1u);
  const auto found = service_->find(a.id);
  EXPECT_EQ(found->state, ArchiveState::kFailed);
  EXPECT_EQ(found->reason, "interrupted");
  EXPECT_EQ(found->error, kInterruptedRepairedMessage);
  EXPECT_EQ(found->streams.at(0).state, "recorded");
  EXPECT_EQ(found->streams.at(1).state, "recorded") << "an entry the stop did not cut is left alone";
}

TEST_F(ArchiveServiceTest, AGracefulStopReadsCutFilesButNeverRewritesThem) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  answer_start(0, {FakeRecordingRouter::stream("str_a", "audio", "recording")});
  const auto path = root() / a.id / "str_a-audio.webm";
  write_crashed_audio(path, 100);
  const auto size = std::filesystem::file_size(path);
  // The router did not report in time; its destructor may still be writing the file.
  EXPECT_EQ(service_->shutdown(), 1u);
  const auto found = service_->find(a.id);
  EXPECT_EQ(found->streams.at(0).state, "failed");
  EXPECT_GT(found->streams.at(0).duration_ms, 0);
  EXPECT_EQ(std::filesystem::file_size(path), size);
}

TEST_F(ArchiveServiceTest, ShutdownMarksRunningArchivesInterrupted) {
  add_session("ses_1");
  const auto a = start_ok("ses_1");
  EXPECT_EQ(service_->shutdown(), 1u);
  EXPECT_EQ(service_->find(a.id)->reason, "interrupted");
  EXPECT_EQ(service_->running_count(), 0u);
}

}  // namespace
}  // namespace umbra::server
