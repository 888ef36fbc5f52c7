#include "router/recording_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "unit/archive/rtp_packetizer.h"

namespace umbra::router {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using archive::MediaKind;

class RecordingSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("umbra-recording-session-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(root_); }

  server::RecordingOptions options() const {
    server::RecordingOptions o;
    o.room_id = "ses_1";
    o.archive_id = "arc_1";
    o.archive_root = root_.string();
    return o;
  }

  std::unique_ptr<RecordingSession> create() {
    auto session = RecordingSession::create(options(), start_);
    EXPECT_TRUE(session.ok()) << session.error();
    return session.ok() ? std::move(*session) : nullptr;
  }

  void push_key_frame(RecordingSession& session, std::uint64_t track, TimePoint now) {
    for (auto& bytes : packetizer_.vp8(archive::testing::fake_vp8_key_frame(), 0)) {
      auto packet = rtc::rtp::RtpPacket::parse(bytes);
      ASSERT_TRUE(packet.ok());
      session.push(track, *packet, now);
    }
  }

  fs::path root_;
  TimePoint start_ = TimePoint{} + 50s;
  archive::testing::TestPacketizer packetizer_{96, 0x1111};
};

TEST_F(RecordingSessionTest, AnUncreatableDirectoryIsAnErrorBeforeAnythingStarts) {
  fs::create_directories(root_);
  {
    std::FILE* f = std::fopen((root_ / "file").c_str(), "w");
    ASSERT_NE(f, nullptr);
    (void)std::fclose(f);
  }
  auto o = options();
  o.archive_root = (root_ / "file").string();  // a file where a directory should go
  const auto session = RecordingSession::create(o, start_);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.error().find("cannot create the archive directory"), std::string::npos)
      << session.error();
}

TEST_F(RecordingSessionTest, AsksTheVideoPublisherForAKeyFrameAtMostEveryInterval) {
  auto session = create();
  ASSERT_NE(session, nullptr);
  session->add_track(1, "pr-video", "str_a", MediaKind::kVideo);
  session->add_track(2, "pr-audio", "str_a", MediaKind::kAudio);
  EXPECT_EQ(session->key_frame_requests(start_), std::vector<std::string>{"pr-video"});
  EXPECT_TRUE(session->key_frame_requests(start_ + 100ms).empty()) << "within the interval";
  EXPECT_EQ(session->key_frame_requests(start_ + RecordingSession::kKeyFrameRequestInterval),
            std::vector<std::string>{"pr-video"});

  // Once a key frame is written, nothing more is asked.
  const TimePoint later = start_ + 1s;
  push_key_frame(*session, 1, later);
  session->poll(later + 200ms);
  EXPECT_TRUE(session->key_frame_requests(later + 200ms).empty());
}

TEST_F(RecordingSessionTest, ReportsEachTrackJoiningAndLeavingOnce) {
  auto session = create();
  ASSERT_NE(session, nullptr);
  EXPECT_FALSE(session->take_changed()) << "the start is the start_recording completion's report";
  session->add_track(1, "pr-video", "str_a", MediaKind::kVideo);
  EXPECT_TRUE(session->take_changed());
  EXPECT_FALSE(session->take_changed());
  EXPECT_EQ(session->report().streams.size(), 1U);

  push_key_frame(*session, 1, start_ + 10ms);
  session->track_ended(1);
  EXPECT_TRUE(session->take_changed());
  const auto report = session->report();
  ASSERT_EQ(report.streams.size(), 1U);
  EXPECT_EQ(report.streams[0].state, "recorded");
  EXPECT_EQ(report.status, "started") << "one track left; the archive goes on";
  EXPECT_TRUE(fs::exists(root_ / "arc_1" / "str_a-video.webm"));
}

TEST_F(RecordingSessionTest, PacketsOfAnUnknownOrUnrecordedTrackAreIgnored) {
  auto o = options();
  o.has_audio = false;
  auto created = RecordingSession::create(o, start_);
  ASSERT_TRUE(created.ok());
  auto& session = **created;
  session.add_track(2, "pr-audio", "str_a", MediaKind::kAudio);
  EXPECT_FALSE(session.take_changed()) << "an audio track is not part of a video-only archive";
  push_key_frame(session, 2, start_);
  push_key_frame(session, 7, start_);
  EXPECT_TRUE(session.report().streams.empty());
}

TEST_F(RecordingSessionTest, StopFinishesEveryFileAndTheReportSaysSo) {
  auto session = create();
  ASSERT_NE(session, nullptr);
  session->add_track(1, "pr-video", "str_a", MediaKind::kVideo);
  session->add_track(2, "pr-audio", "str_b", MediaKind::kAudio);
  push_key_frame(*session, 1, start_ + 10ms);
  session->stop(archive::StopReason::kInterrupted, start_ + 1s);
  EXPECT_TRUE(session->finished());
  const auto report = session->report();
  EXPECT_EQ(report.status, "stopped");
  EXPECT_EQ(report.stop_reason, "interrupted");
  EXPECT_TRUE(report.finished);
  ASSERT_EQ(report.streams.size(), 2U);
  EXPECT_EQ(report.streams[0].state, "recorded");
  EXPECT_EQ(report.streams[1].state, "no_media") << "no audio ever came";
  EXPECT_TRUE(session->key_frame_requests(start_ + 2s).empty()) << "a stopped archive asks nothing";
}

}  // namespace
}  // namespace umbra::router
