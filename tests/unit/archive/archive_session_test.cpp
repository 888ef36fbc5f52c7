#include "archive/archive_session.h"

#include <gtest/gtest.h>

namespace umbra::archive {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Action = AlwaysArchiveRule::Action;
using State = StreamEntry::State;

constexpr TimePoint kStart = TimePoint{} + seconds(100);

RecordingResult recorded(TimePoint first_frame_at, Duration duration) {
  RecordingResult r;
  r.outcome = RecordingResult::Outcome::kRecorded;
  r.first_frame_at = first_frame_at;
  r.duration = duration;
  return r;
}

TEST(ArchiveSession, RecordsEachStreamWithItsStartOffsetAndDuration) {
  ArchiveSession archive("arc_1", {}, kStart);
  const auto video = archive.add_stream("str_a", MediaKind::kVideo);
  const auto audio = archive.add_stream("str_a", MediaKind::kAudio);
  ASSERT_TRUE(video.has_value());
  ASSERT_TRUE(audio.has_value());
  EXPECT_EQ(video->file, "str_a-video.webm");
  EXPECT_EQ(audio->file, "str_a-audio.webm");
  // A second publisher joins three seconds into the archive.
  ASSERT_TRUE(archive.add_stream("str_b", MediaKind::kVideo).has_value());
  EXPECT_EQ(archive.recording_count(), 3U);

  EXPECT_FALSE(
      archive.stream_finished("str_b", MediaKind::kVideo, recorded(kStart + seconds(3), seconds(4))));
  ASSERT_TRUE(archive.stop(StopReason::kRequested, kStart + seconds(10)));
  archive.stream_finished("str_a", MediaKind::kVideo,
                          recorded(kStart + milliseconds(200), milliseconds(9700)));
  archive.stream_finished("str_a", MediaKind::kAudio,
                          recorded(kStart + milliseconds(20), milliseconds(9950)));

  EXPECT_EQ(archive.status(), ArchiveStatus::kStopped);
  EXPECT_EQ(archive_status_name(archive.status()), "stopped");
  EXPECT_EQ(archive.stop_reason(), StopReason::kRequested);
  EXPECT_EQ(archive.stopped_at(), kStart + seconds(10));
  EXPECT_EQ(archive.recording_count(), 0U);
  ASSERT_EQ(archive.streams().size(), 3U);
  const auto& b = archive.streams()[2];
  EXPECT_EQ(b.stream_id, "str_b");
  EXPECT_EQ(b.start_offset, seconds(3));
  EXPECT_EQ(b.duration, seconds(4));
  EXPECT_EQ(b.state, State::kRecorded);
  EXPECT_EQ(archive.streams()[0].start_offset, milliseconds(200));
}

TEST(ArchiveSession, TakesOnlyTheKindsItWasAskedFor) {
  ArchiveSession archive("arc_1", {.has_audio = true, .has_video = false}, kStart);
  EXPECT_FALSE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
  EXPECT_TRUE(archive.add_stream("str_a", MediaKind::kAudio).has_value());
  EXPECT_FALSE(archive.add_stream("str_a", MediaKind::kAudio).has_value()) << "already recorded";
}

TEST(ArchiveSession, TakesNoStreamsOnceStopped) {
  ArchiveSession archive("arc_1", {}, kStart);
  ASSERT_TRUE(archive.stop(StopReason::kRequested, kStart + seconds(1)));
  EXPECT_FALSE(archive.stop(StopReason::kRequested, kStart + seconds(2))) << "stopping twice";
  EXPECT_FALSE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
}

TEST(ArchiveSession, AStreamWithoutMediaIsKeptAsNoMediaWithoutFailingTheArchive) {
  ArchiveSession archive("arc_1", {}, kStart);
  ASSERT_TRUE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
  RecordingResult nothing;
  nothing.outcome = RecordingResult::Outcome::kNoMedia;
  nothing.error = "no media: no VP8 key frame arrived";
  EXPECT_FALSE(archive.stream_finished("str_a", MediaKind::kVideo, nothing));
  EXPECT_EQ(archive.status(), ArchiveStatus::kStarted);
  EXPECT_EQ(archive.streams()[0].state, State::kNoMedia);
  EXPECT_EQ(stream_state_name(archive.streams()[0].state), "no_media");
}

TEST(ArchiveSession, AFullDiskFailsTheArchiveWithTheRecordersMessage) {
  ArchiveSession archive("arc_1", {}, kStart);
  ASSERT_TRUE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
  ASSERT_TRUE(archive.add_stream("str_a", MediaKind::kAudio).has_value());
  RecordingResult full;
  full.outcome = RecordingResult::Outcome::kFailed;
  full.error = "cannot write to /var/archives/arc_1/str_a-video.webm: No space left on device";
  EXPECT_TRUE(archive.stream_finished("str_a", MediaKind::kVideo, full)) << "caller must stop the others";
  EXPECT_EQ(archive.status(), ArchiveStatus::kFailed);
  EXPECT_EQ(archive.stop_reason(), StopReason::kStorageFailed);
  EXPECT_EQ(archive.error(), full.error);
  // The other recorder then reports; that does not fail the archive a second time.
  EXPECT_FALSE(archive.stream_finished("str_a", MediaKind::kAudio, full));
  EXPECT_EQ(archive.streams()[1].state, State::kFailed);
}

TEST(ArchiveSession, AnUnwritableDirectoryFailsTheArchiveAtTheFirstStream) {
  ArchiveSession archive("arc_1", {}, kStart);
  ASSERT_TRUE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
  archive.stream_failed_to_start("str_a", MediaKind::kVideo,
                                 "cannot create /x/str_a-video.webm: Permission denied");
  EXPECT_EQ(archive.status(), ArchiveStatus::kFailed);
  EXPECT_EQ(archive.error(), "cannot create /x/str_a-video.webm: Permission denied");
}

TEST(ArchiveSession, ARestartMarksARunningArchiveInterruptedAndSaysWhatHappened) {
  ArchiveSession archive("arc_1", {}, kStart);
  ASSERT_TRUE(archive.add_stream("str_a", MediaKind::kVideo).has_value());
  archive.interrupted();
  EXPECT_EQ(archive.status(), ArchiveStatus::kFailed);
  EXPECT_EQ(stop_reason_name(*archive.stop_reason()), "interrupted");
  EXPECT_NE(archive.error().find("server stopped"), std::string::npos);
  EXPECT_EQ(archive.streams()[0].state, State::kFailed);
  EXPECT_NE(archive.streams()[0].error.find("plays up to"), std::string::npos);
}

TEST(StreamFileName, NeverLeavesTheArchiveDirectory) {
  EXPECT_EQ(stream_file_name("../../etc/passwd", MediaKind::kVideo), "______etc_passwd-video.webm");
  EXPECT_EQ(stream_file_name("", MediaKind::kAudio), "stream-audio.webm");
}

TEST(ArchiveSession, TwoStreamIdsThatLookAlikeGetTwoFiles) {
  ArchiveSession archive("arc_1", {}, kStart);
  const auto a = archive.add_stream("a/b", MediaKind::kVideo);
  const auto b = archive.add_stream("a_b", MediaKind::kVideo);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->file, b->file);
}

TEST(AlwaysArchiveRule, StartsOnTheFirstPublishAndStopsWhenTheLastStreamLeaves) {
  AlwaysArchiveRule rule;
  EXPECT_EQ(rule.stream_published("str_a"), Action::kStartArchive);
  EXPECT_EQ(rule.stream_published("str_b"), Action::kNone);
  EXPECT_EQ(rule.stream_published("str_b"), Action::kNone) << "published twice";
  EXPECT_EQ(rule.stream_unpublished("str_a"), Action::kNone);
  EXPECT_EQ(rule.stream_unpublished("str_unknown"), Action::kNone);
  EXPECT_EQ(rule.stream_unpublished("str_b"), Action::kStopArchive);
  EXPECT_FALSE(rule.archiving());
  EXPECT_EQ(rule.stream_published("str_c"), Action::kStartArchive) << "a new archive for the next publish";
}

TEST(AlwaysArchiveRule, AnArchiveStoppedByHandIsNotRestartedUntilTheSessionEmpties) {
  AlwaysArchiveRule rule;
  EXPECT_EQ(rule.stream_published("str_a"), Action::kStartArchive);
  rule.archive_ended();  // POST /v1/archives/{id}/stop, or a full disk
  EXPECT_EQ(rule.stream_published("str_b"), Action::kNone);
  EXPECT_EQ(rule.stream_unpublished("str_a"), Action::kNone);
  EXPECT_EQ(rule.stream_unpublished("str_b"), Action::kNone) << "nothing to stop";
  EXPECT_EQ(rule.stream_published("str_c"), Action::kStartArchive);
}

}  // namespace
}  // namespace umbra::archive
