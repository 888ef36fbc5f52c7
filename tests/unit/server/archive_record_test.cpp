#include "server/archive_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace umbra::server {
namespace {

using nlohmann::json;

ArchiveRecord running_record() {
  ArchiveRecord a;
  a.id = "arc_test";
  a.session_id = "ses_1";
  a.name = "weekly";
  a.created_at_ms = 1000;
  a.streams = {{"str_a", "video", "str_a-video.webm", 40, 0, "recording", ""}};
  return a;
}

TEST(ArchiveRecord, JsonHasEveryDocumentedField) {
  const auto j = archive_json(running_record());
  EXPECT_EQ(j["id"], "arc_test");
  EXPECT_EQ(j["sessionId"], "ses_1");
  EXPECT_EQ(j["name"], "weekly");
  EXPECT_EQ(j["hasAudio"], true);
  EXPECT_EQ(j["hasVideo"], true);
  EXPECT_EQ(j["outputMode"], "individual");
  EXPECT_EQ(j["status"], "started");
  EXPECT_TRUE(j["reason"].is_null());
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["createdAt"], 1000);
  EXPECT_TRUE(j["stoppedAt"].is_null());
  ASSERT_EQ(j["streams"].size(), 1u);
  const auto& s = j["streams"][0];
  EXPECT_EQ(s["streamId"], "str_a");
  EXPECT_EQ(s["kind"], "video");
  EXPECT_EQ(s["url"], "/v1/archives/arc_test/files/str_a-video.webm");
  EXPECT_EQ(s["startOffset"], 40);
  EXPECT_EQ(s["duration"], 0);
  EXPECT_EQ(s["state"], "recording");
  EXPECT_TRUE(s["error"].is_null());
}

TEST(ArchiveRecord, EventJsonLeavesTheStreamsOut) {
  EXPECT_FALSE(archive_json(running_record(), false).contains("streams"));
}

TEST(ArchiveRecord, StreamsColumnRoundTrips) {
  std::vector<RecordedStream> streams = {
      {"str_a", "video", "str_a-video.webm", 40, 9000, "recorded", ""},
      {"str_b", "audio", "str_b-audio.webm", 0, 0, "no_media", "no audio"}};
  const auto back = streams_from_column(streams_to_column(streams));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].duration_ms, 9000);
  EXPECT_EQ(back[1].kind, "audio");
  EXPECT_EQ(back[1].error, "no audio");
  EXPECT_TRUE(streams_from_column("not json").empty());
}

TEST(ArchiveRecord, IdsAreRandomAndPathSafe) {
  const auto a = new_archive_id();
  EXPECT_NE(a, new_archive_id());
  EXPECT_EQ(a.rfind("arc_", 0), 0u);
  EXPECT_EQ(a.size(), 26u);
  EXPECT_EQ(a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
            std::string::npos);
}

TEST(ArchiveRecord, AStoppedButUnfinishedReportMeansStopping) {
  auto a = running_record();
  RecordingReport r{"arc_test", "ses_1", "stopped", "requested", "", a.streams, false};
  EXPECT_FALSE(apply_report(a, r, 2000));
  EXPECT_EQ(a.state, ArchiveState::kStopping);
  r.finished = true;
  r.streams[0].state = "recorded";
  r.streams[0].duration_ms = 5000;
  EXPECT_TRUE(apply_report(a, r, 3000));
  EXPECT_EQ(a.state, ArchiveState::kStopped);
  EXPECT_EQ(a.reason, "requested");
  EXPECT_EQ(a.stopped_at_ms, 2000);
  EXPECT_EQ(a.streams[0].duration_ms, 5000);
}

TEST(ArchiveRecord, AFailedReportKeepsTheRoutersMessage) {
  auto a = running_record();
  RecordingReport r{"arc_test", "ses_1", "failed", "storage_failed", "cannot write: No space left on device",
                    {},         true};
  EXPECT_TRUE(apply_report(a, r, 2000));
  EXPECT_EQ(a.state, ArchiveState::kFailed);
  EXPECT_EQ(a.reason, "storage_failed");
  EXPECT_EQ(a.error, "cannot write: No space left on device");
  EXPECT_EQ(a.streams.size(), 1u) << "an empty stream list does not erase what was known";
}

TEST(ArchiveRecord, InterruptedMarksRecordingEntriesFailed) {
  auto a = running_record();
  EXPECT_TRUE(mark_interrupted(a, 5000));
  EXPECT_EQ(a.state, ArchiveState::kFailed);
  EXPECT_EQ(a.reason, "interrupted");
  EXPECT_NE(a.error.find("server stopped while recording"), std::string::npos);
  EXPECT_EQ(a.streams[0].state, "failed");
  EXPECT_NE(a.streams[0].error.find("play up to that point"), std::string::npos);
  EXPECT_FALSE(mark_interrupted(a, 6000)) << "an ended archive stays as it ended";
}

TEST(ArchiveRecord, AnInterruptedFileThatPlaysSaysHowLongInTenthsOfASecond) {
  RecordedStream s{"str_a", "video", "str_a-video.webm", 0, 0, "failed", "x"};
  apply_interrupted_file(s, {true, true, 12345, 370, ""});
  EXPECT_EQ(s.state, "failed");
  EXPECT_EQ(s.duration_ms, 12345);
  EXPECT_EQ(s.error.rfind("interrupted: the file plays 12.3 s from the start", 0), 0u) << s.error;

  apply_interrupted_file(s, {true, true, 0, 0, ""});
  EXPECT_EQ(s.duration_ms, 0);
  EXPECT_NE(s.error.find("nothing playable"), std::string::npos) << s.error;
}

}  // namespace
}  // namespace umbra::server
