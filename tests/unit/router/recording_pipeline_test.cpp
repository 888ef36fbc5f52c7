// A recording from the worker's side to the recording thread: a stuck disk (here, a recording
// thread kept busy) costs dropped packets, never a growing queue or a waiting worker.
#include "router/recording_pipeline.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "router/recording_thread.h"
#include "unit/archive/rtp_packetizer.h"

namespace umbra::router {
namespace {

namespace fs = std::filesystem;

class RecordingPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("umbra-recording-pipeline-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    options_.room_id = "ses_1";
    options_.archive_id = "arc_1";
    options_.archive_root = root_.string();
  }
  void TearDown() override {
    thread_.stop();
    fs::remove_all(root_);
  }

  // Runs fn on the recording thread and waits for it.
  template <class Fn>
  void on_thread(Fn fn) {
    std::promise<void> done;
    thread_.post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }

  fs::path root_;
  server::RecordingOptions options_;
  RecordingThread thread_;
  std::vector<std::string> key_frame_requests_;  // recording thread, read after on_thread()
  std::vector<server::RecordingReport> reports_;
};

TEST_F(RecordingPipelineTest, DropsPacketsBeyondTheBacklogWhileTheRecordingThreadIsBusy) {
  RecordingHooks hooks;
  hooks.request_key_frame = [this](const std::string& producer) { key_frame_requests_.push_back(producer); };
  hooks.changed = [this](const server::RecordingReport& r) { reports_.push_back(r); };
  auto pipeline = std::make_shared<RecordingPipeline>(options_, thread_, std::move(hooks), 8);
  on_thread([&] { ASSERT_TRUE(pipeline->start(Clock::now())); });
  pipeline->track_added(1, "pr-video", "str_a", archive::MediaKind::kVideo);

  std::promise<void> release;
  thread_.post([f = release.get_future().share()] { f.wait(); });  // the disk hangs
  archive::testing::TestPacketizer packetizer(96, 0x1111);
  for (int i = 0; i < 20; ++i) {
    Bytes bytes =
        packetizer.packet(archive::testing::fake_vp8_delta_frame(), static_cast<std::uint32_t>(i), true);
    auto packet = rtc::rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet.ok());
    pipeline->packet(1, *packet, Clock::now());
  }
  EXPECT_EQ(pipeline->packets_dropped(), 12U) << "8 queued, the rest dropped at once";
  release.set_value();
  on_thread([] {});
  EXPECT_EQ(pipeline->packets_dropped(), 12U);

  ASSERT_FALSE(reports_.empty());
  EXPECT_EQ(reports_.back().streams.size(), 1U) << "the track was reported";
  ASSERT_FALSE(key_frame_requests_.empty()) << "delta frames only: the file still waits for a key frame";
  EXPECT_EQ(key_frame_requests_.front(), "pr-video");

  server::RecordingReport final_report;
  on_thread([&] { final_report = pipeline->stop(archive::StopReason::kRequested, Clock::now()); });
  EXPECT_TRUE(final_report.finished);
  EXPECT_EQ(final_report.streams.at(0).state, "no_media") << final_report.streams.at(0).error;
  EXPECT_FALSE(pipeline->open()) << "a stopped archive takes no more packets";
}

// A disk that refuses to grow the file (RLIMIT_FSIZE stands in for a full one): the archive fails,
// every file is finished, the control plane gets one report saying so, and copying stops.
TEST_F(RecordingPipelineTest, AStorageFailureFailsTheArchiveAndReportsItFinished) {
  RecordingHooks hooks;
  hooks.changed = [this](const server::RecordingReport& r) { reports_.push_back(r); };
  auto pipeline = std::make_shared<RecordingPipeline>(options_, thread_, std::move(hooks));
  on_thread([&] { ASSERT_TRUE(pipeline->start(Clock::now())); });
  pipeline->track_added(1, "pr-video", "str_a", archive::MediaKind::kVideo);

  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  rlimit limited = saved;
  limited.rlim_cur = 64 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  archive::testing::TestPacketizer packetizer(96, 0x1111);
  const TimePoint start = Clock::now();
  for (int i = 0; i < 120 && pipeline->open(); ++i) {
    const Bytes frame =
        i == 0 ? archive::testing::fake_vp8_key_frame(20000) : archive::testing::fake_vp8_delta_frame(20000);
    for (auto& bytes : packetizer.vp8(frame, static_cast<std::uint32_t>(i) * 3000)) {
      auto packet = rtc::rtp::RtpPacket::parse(bytes);
      ASSERT_TRUE(packet.ok());
      pipeline->packet(1, *packet, start + std::chrono::milliseconds(i * 33));
    }
    on_thread([&] { pipeline->tick(start + std::chrono::milliseconds(i * 33 + 200)); });
  }
  on_thread([&] { pipeline->tick(start + std::chrono::seconds(10)); });
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  (void)::signal(SIGXFSZ, old_handler);

  EXPECT_FALSE(pipeline->open()) << "a failed archive takes no more packets";
  ASSERT_FALSE(reports_.empty());
  const auto& report = reports_.back();
  EXPECT_EQ(report.status, "failed");
  EXPECT_TRUE(report.finished);
  EXPECT_NE(report.error.find("File too large"), std::string::npos) << report.error;
  ASSERT_EQ(report.streams.size(), 1U);
  EXPECT_EQ(report.streams[0].state, "failed");
}

}  // namespace
}  // namespace umbra::router
