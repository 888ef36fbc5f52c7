#include "router/recording_report.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;
using archive::MediaKind;
using archive::StopReason;

archive::RecordingResult recorded(TimePoint first_frame, Duration duration) {
  archive::RecordingResult r;
  r.outcome = archive::RecordingResult::Outcome::kRecorded;
  r.duration = duration;
  r.first_frame_at = first_frame;
  r.frames_written = 10;
  return r;
}

TEST(RecordingReport, CarriesEveryStreamInMillisecondsWithRestNames) {
  const TimePoint start = TimePoint{} + 100s;
  archive::ArchiveSession session("arc_1", {}, start);
  ASSERT_TRUE(session.add_stream("str_a", MediaKind::kVideo));
  ASSERT_TRUE(session.add_stream("str_a", MediaKind::kAudio));
  (void)session.stream_finished("str_a", MediaKind::kVideo, recorded(start + 1500ms, 2250ms));

  const auto report = recording_report(session, "ses_1");
  EXPECT_EQ(report.archive_id, "arc_1");
  EXPECT_EQ(report.room_id, "ses_1");
  EXPECT_EQ(report.status, "started");
  EXPECT_EQ(report.stop_reason, "");
  EXPECT_FALSE(report.finished) << "the audio file is still being written";
  ASSERT_EQ(report.streams.size(), 2U);
  EXPECT_EQ(report.streams[0].stream_id, "str_a");
  EXPECT_EQ(report.streams[0].kind, "video");
  EXPECT_EQ(report.streams[0].file, "str_a-video.webm");
  EXPECT_EQ(report.streams[0].state, "recorded");
  EXPECT_EQ(report.streams[0].start_offset_ms, 1500);
  EXPECT_EQ(report.streams[0].duration_ms, 2250);
  EXPECT_EQ(report.streams[1].kind, "audio");
  EXPECT_EQ(report.streams[1].state, "recording");
}

TEST(RecordingReport, IsFinishedOnceStoppedAndEveryFileIsDone) {
  const TimePoint start{};
  archive::ArchiveSession session("arc_1", {}, start);
  ASSERT_TRUE(session.add_stream("str_a", MediaKind::kAudio));
  ASSERT_TRUE(session.stop(StopReason::kLastStreamLeft, start + 5s));
  EXPECT_FALSE(recording_report(session, "ses").finished);
  (void)session.stream_finished("str_a", MediaKind::kAudio, recorded(start, 4980ms));
  const auto report = recording_report(session, "ses");
  EXPECT_EQ(report.status, "stopped");
  EXPECT_EQ(report.stop_reason, "last_stream_left");
  EXPECT_TRUE(report.finished);
}

TEST(RecordingReport, AStorageFailureIsAFinishedFailedArchiveWithTheError) {
  archive::ArchiveSession session("arc_1", {}, TimePoint{});
  ASSERT_TRUE(session.add_stream("str_a", MediaKind::kVideo));
  archive::RecordingResult failed;
  failed.outcome = archive::RecordingResult::Outcome::kFailed;
  failed.error = "cannot write to x: No space left on device";
  EXPECT_TRUE(session.stream_finished("str_a", MediaKind::kVideo, failed));
  const auto report = recording_report(session, "ses");
  EXPECT_EQ(report.status, "failed");
  EXPECT_EQ(report.stop_reason, "storage_failed");
  EXPECT_NE(report.error.find("No space left on device"), std::string::npos) << report.error;
  EXPECT_EQ(report.streams[0].state, "failed");
  EXPECT_TRUE(report.finished);
}

TEST(RecordingReport, StopReasonNamesParseBackAndUnknownOnesDoNot) {
  for (const auto reason : {StopReason::kRequested, StopReason::kLastStreamLeft, StopReason::kSessionEnded,
                            StopReason::kStorageFailed, StopReason::kInterrupted}) {
    EXPECT_EQ(parse_stop_reason(archive::stop_reason_name(reason)), reason);
  }
  EXPECT_EQ(parse_stop_reason("bored"), std::nullopt);
  EXPECT_EQ(parse_stop_reason(""), std::nullopt);
}

}  // namespace
}  // namespace umbra::router
