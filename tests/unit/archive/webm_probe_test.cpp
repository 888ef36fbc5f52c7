#include "archive/webm_probe.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "archive/webm_writer.h"
#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

namespace fs = std::filesystem;

class WebmProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("umbra-probe-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `frames` Opus frames of 20 ms; finished (trailer written) or closed as a crash leaves it.
  fs::path write_audio(const std::string& name, int frames, bool finish) {
    const fs::path path = dir_ / name;
    auto writer = WebmWriter::create(path.string(), MediaKind::kAudio);
    EXPECT_TRUE(writer.ok()) << writer.error();
    if (!writer.ok()) return path;
    const Bytes frame(40, 0xfc);  // TOC: 20 ms CELT frames; the muxer does not decode them
    for (int i = 0; i < frames; ++i) {
      const auto written = (*writer)->write(frame, std::int64_t{i} * 20, true, 20);
      EXPECT_TRUE(written.ok()) << written.error();
    }
    if (finish) {
      EXPECT_TRUE((*writer)->finish().ok());
    }
    return path;
  }

  // 30 frames a second of fake VP8, a key frame every second.
  fs::path write_video(const std::string& name, int frames, bool finish) {
    const fs::path path = dir_ / name;
    auto writer = WebmWriter::create(path.string(), MediaKind::kVideo);
    EXPECT_TRUE(writer.ok()) << writer.error();
    if (!writer.ok()) return path;
    for (int i = 0; i < frames; ++i) {
      const bool key = i % 30 == 0;
      const Bytes frame = key ? testing::fake_vp8_key_frame() : testing::fake_vp8_delta_frame();
      const auto written = (*writer)->write(frame, std::int64_t{i} * 33, key);
      EXPECT_TRUE(written.ok()) << written.error();
    }
    if (finish) {
      EXPECT_TRUE((*writer)->finish().ok());
    }
    return path;
  }

  fs::path dir_;
};

TEST_F(WebmProbeTest, AFinishedAudioFileLastsUntilTheEndOfItsLastFrame) {
  const auto probe = probe_webm(write_audio("a.webm", 100, true).string());
  ASSERT_TRUE(probe.ok()) << probe.error();
  EXPECT_EQ(probe->packets, 100);
  EXPECT_EQ(probe->duration_ms, 2000);
}

TEST_F(WebmProbeTest, AFileWithoutTrailerStillTellsHowMuchItPlays) {
  // 5 s of audio, closed without finish(): no duration in the header, no cues. The muxer closes a
  // cluster every second, so at most the last second is missing.
  const auto probe = probe_webm(write_audio("crashed.webm", 250, false).string());
  ASSERT_TRUE(probe.ok()) << probe.error();
  EXPECT_GE(probe->duration_ms, 4000);
  EXPECT_LE(probe->duration_ms, 5000);
  EXPECT_EQ(probe->duration_ms, probe->packets * 20);
}

TEST_F(WebmProbeTest, AVideoFileWithoutTrailerCountsItsFrames) {
  const auto probe = probe_webm(write_video("crashed.webm", 150, false).string());
  ASSERT_TRUE(probe.ok()) << probe.error();
  EXPECT_GE(probe->packets, 100);
  EXPECT_LE(probe->packets, 150);
  // A video frame has no duration of its own: the length ends at the last frame's timestamp.
  EXPECT_EQ(probe->duration_ms, (probe->packets - 1) * 33);
}

TEST_F(WebmProbeTest, AFileCutInTheMiddleCountsWhatCameBeforeTheCut) {
  const fs::path path = write_audio("cut.webm", 250, false);
  const auto whole = probe_webm(path.string());
  ASSERT_TRUE(whole.ok()) << whole.error();
  fs::resize_file(path, fs::file_size(path) / 2);
  const auto cut = probe_webm(path.string());
  ASSERT_TRUE(cut.ok()) << cut.error();
  EXPECT_GT(cut->packets, 0);
  EXPECT_LT(cut->packets, whole->packets);
  EXPECT_LT(cut->duration_ms, whole->duration_ms);
}

TEST_F(WebmProbeTest, AFileCutInsideItsHeaderHoldsNothingPlayable) {
  const fs::path path = write_audio("header.webm", 50, false);
  fs::resize_file(path, 40);
  const auto probe = probe_webm(path.string());
  // An error or an empty count, whichever the demuxer makes of it: never a frame, never a crash.
  EXPECT_TRUE(!probe.ok() || (probe->packets == 0 && probe->duration_ms == 0));
}

TEST_F(WebmProbeTest, GarbageIsAnError) {
  const fs::path path = dir_ / "garbage.webm";
  std::ofstream(path, std::ios::binary) << std::string(4096, 'x');
  const auto probe = probe_webm(path.string());
  ASSERT_FALSE(probe.ok());
  EXPECT_NE(probe.error().find("garbage.webm"), std::string::npos) << probe.error();
}

TEST_F(WebmProbeTest, AnEmptyFileIsAnError) {
  const fs::path path = dir_ / "empty.webm";
  std::ofstream(path, std::ios::binary).flush();
  EXPECT_FALSE(probe_webm(path.string()).ok());
}

TEST_F(WebmProbeTest, AMissingFileIsAClearError) {
  const auto probe = probe_webm((dir_ / "missing.webm").string());
  ASSERT_FALSE(probe.ok());
  EXPECT_NE(probe.error().find("No such file or directory"), std::string::npos) << probe.error();
}

}  // namespace
}  // namespace umbra::archive
