#include "archive/archive_recorder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using State = StreamEntry::State;

constexpr TimePoint kStart = TimePoint{} + std::chrono::seconds(50);

class ArchiveRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("umbra-archive-recorder-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static void push_all(ArchiveRecorder& recorder, std::string_view stream_id, MediaKind kind,
                       std::vector<Bytes> packets, TimePoint now) {
    for (auto& bytes : packets) {
      auto packet = rtc::rtp::RtpPacket::parse(bytes);
      ASSERT_TRUE(packet.ok());
      recorder.push(stream_id, kind, *packet, now);
    }
  }

  // `frames` video frames at 30 fps from `first`, a key frame first.
  static void publish_video(ArchiveRecorder& recorder, std::string_view stream_id, int frames,
                            TimePoint first) {
    testing::TestPacketizer packetizer(96, 0xA);
    for (int i = 0; i < frames; ++i) {
      const Bytes frame = i == 0 ? testing::fake_vp8_key_frame(1500) : testing::fake_vp8_delta_frame(400);
      push_all(recorder, stream_id, MediaKind::kVideo,
               packetizer.vp8(frame, static_cast<std::uint32_t>(i * 3000)),
               first + milliseconds(i * 1000 / 30));
    }
  }

  static void publish_audio(ArchiveRecorder& recorder, std::string_view stream_id, int frames,
                            TimePoint first) {
    testing::TestPacketizer packetizer(111, 0xB);
    const Bytes opus = {0xFC, 0xFF, 0xFE};  // CELT FB 20 ms, stereo; the muxer never decodes it
    for (int i = 0; i < frames; ++i) {
      push_all(recorder, stream_id, MediaKind::kAudio,
               {packetizer.opus(opus, static_cast<std::uint32_t>(i * 960))}, first + milliseconds(i * 20));
    }
  }

  fs::path root_;
};

TEST_F(ArchiveRecorderTest, RecordsEveryTrackIntoTheArchiveDirectory) {
  auto archive = ArchiveRecorder::create(root_.string(), "arc_1", {}, kStart);
  ASSERT_TRUE(archive.ok()) << archive.error();
  ArchiveRecorder& recorder = **archive;
  EXPECT_EQ(recorder.directory(), (root_ / "arc_1").string());
  ASSERT_TRUE(recorder.add_track("str_a", MediaKind::kVideo));
  ASSERT_TRUE(recorder.add_track("str_a", MediaKind::kAudio));
  EXPECT_TRUE(recorder.wants_key_frame("str_a"));
  EXPECT_FALSE(recorder.wants_key_frame("str_other"));

  publish_video(recorder, "str_a", 60, kStart);
  publish_audio(recorder, "str_a", 100, kStart);
  recorder.poll(kStart + milliseconds(2500));
  EXPECT_FALSE(recorder.wants_key_frame("str_a"));

  // A second publisher joins a second in and leaves before the end.
  ASSERT_TRUE(recorder.add_track("str_b", MediaKind::kVideo));
  publish_video(recorder, "str_b", 15, kStart + milliseconds(1000));
  recorder.track_ended("str_b", MediaKind::kVideo);
  EXPECT_EQ(recorder.session().streams()[2].state, State::kRecorded);

  recorder.stop(StopReason::kRequested, kStart + milliseconds(3000));
  const ArchiveSession& session = recorder.session();
  EXPECT_EQ(session.status(), ArchiveStatus::kStopped);
  ASSERT_EQ(session.streams().size(), 3U);
  for (const auto& entry : session.streams()) {
    EXPECT_EQ(entry.state, State::kRecorded) << entry.stream_id << ": " << entry.error;
    EXPECT_TRUE(fs::exists(root_ / "arc_1" / entry.file)) << entry.file;
  }
  EXPECT_EQ(session.streams()[0].duration, milliseconds(59 * 1000 / 30));
  EXPECT_EQ(session.streams()[1].duration, milliseconds(99 * 20));
  EXPECT_EQ(session.streams()[2].start_offset, milliseconds(1000));
  EXPECT_EQ(session.streams()[2].duration, milliseconds(14 * 1000 / 30));
}

TEST_F(ArchiveRecorderTest, AnUncreatableDirectoryIsAnErrorBeforeTheArchiveStarts) {
  fs::create_directories(root_);
  std::ofstream(root_ / "file") << "x";
  const auto archive = ArchiveRecorder::create((root_ / "file").string(), "arc_1", {}, kStart);
  ASSERT_FALSE(archive.ok());
  EXPECT_NE(archive.error().find("cannot create the archive directory"), std::string::npos)
      << archive.error();
}

TEST_F(ArchiveRecorderTest, TheArchiveIdCannotLeaveTheRoot) {
  const auto archive = ArchiveRecorder::create(root_.string(), "../../tmp/x", {}, kStart);
  ASSERT_TRUE(archive.ok()) << archive.error();
  EXPECT_EQ(fs::path((*archive)->directory()).parent_path(), root_);
}

TEST_F(ArchiveRecorderTest, RecordsOnlyTheKindsAskedFor) {
  auto archive =
      ArchiveRecorder::create(root_.string(), "arc_1", {.has_audio = true, .has_video = false}, kStart);
  ASSERT_TRUE(archive.ok()) << archive.error();
  EXPECT_FALSE((*archive)->add_track("str_a", MediaKind::kVideo));
  EXPECT_TRUE((*archive)->add_track("str_a", MediaKind::kAudio));
  EXPECT_FALSE((*archive)->wants_key_frame("str_a"));
}

TEST_F(ArchiveRecorderTest, ATrackWithoutKeyFramesEndsAsNoMediaWithoutAFile) {
  auto archive = ArchiveRecorder::create(root_.string(), "arc_1", {}, kStart);
  ASSERT_TRUE(archive.ok()) << archive.error();
  ASSERT_TRUE((*archive)->add_track("str_a", MediaKind::kVideo));
  testing::TestPacketizer packetizer(96, 0xA);
  push_all(**archive, "str_a", MediaKind::kVideo, packetizer.vp8(testing::fake_vp8_delta_frame(), 0), kStart);
  (*archive)->stop(StopReason::kRequested, kStart + milliseconds(1000));
  const auto& entry = (*archive)->session().streams().at(0);
  EXPECT_EQ(entry.state, State::kNoMedia);
  EXPECT_FALSE(fs::exists(root_ / "arc_1" / entry.file));
  EXPECT_EQ((*archive)->session().status(), ArchiveStatus::kStopped);
}

TEST_F(ArchiveRecorderTest, ATrackAddedAfterStopIsNotRecorded) {
  auto archive = ArchiveRecorder::create(root_.string(), "arc_1", {}, kStart);
  ASSERT_TRUE(archive.ok()) << archive.error();
  (*archive)->stop(StopReason::kRequested, kStart);
  (*archive)->stop(StopReason::kRequested, kStart);  // idempotent
  EXPECT_FALSE((*archive)->add_track("str_a", MediaKind::kVideo));
  EXPECT_FALSE((*archive)->next_timeout().has_value());
}

}  // namespace
}  // namespace umbra::archive
