#include "archive/webm_repair.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "archive/webm_probe.h"
#include "archive/webm_writer.h"
#include "support/media_check.h"
#include "support/media_frames.h"

namespace umbra::archive {
namespace {

namespace fs = std::filesystem;
using umbra::testing::duration_seconds;
using umbra::testing::ffmpeg_decode;
using umbra::testing::ffprobe;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class WebmRepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("umbra-repair-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `frames` frames of real VP8 at 30 fps (a key frame every second), closed without a trailer as
  // a killed process leaves it, or finished.
  fs::path write_video(const std::string& name, int frames, bool finish = false) {
    const fs::path path = dir_ / name;
    auto writer = WebmWriter::create(path.string(), MediaKind::kVideo);
    EXPECT_TRUE(writer.ok()) << writer.error();
    if (!writer.ok()) return path;
    umbra::testing::Vp8Encoder encoder;
    EXPECT_TRUE(encoder.ok());
    for (int i = 0; i < frames; ++i) {
      for (auto& [frame, key] : encoder.encode(i, i % 30 == 0)) {
        const auto written = (*writer)->write(frame, std::int64_t{i} * 1000 / 30, key);
        EXPECT_TRUE(written.ok()) << written.error();
      }
    }
    if (finish) {
      EXPECT_TRUE((*writer)->finish().ok());
    }
    return path;
  }

  // `frames` real Opus frames of 20 ms, without a trailer.
  fs::path write_audio(const std::string& name, int frames) {
    const fs::path path = dir_ / name;
    auto writer = WebmWriter::create(path.string(), MediaKind::kAudio);
    EXPECT_TRUE(writer.ok()) << writer.error();
    if (!writer.ok()) return path;
    umbra::testing::OpusFrames opus(2);
    EXPECT_TRUE(opus.ok());
    for (int i = 0; i < frames; ++i) {
      const auto written = (*writer)->write(opus.encode(i), std::int64_t{i} * 20, true, 20);
      EXPECT_TRUE(written.ok()) << written.error();
    }
    return path;
  }

  // Where each block's data starts in `file`, as the demuxer reports it (ffprobe's packet pos).
  static std::vector<std::int64_t> block_positions(const fs::path& file) {
    std::vector<std::int64_t> out;
    const auto probe = ffprobe(file, "-show_packets");
    if (probe.is_null() || !probe.contains("packets")) return out;
    for (const auto& packet : probe["packets"])
      out.push_back(std::stoll(packet.at("pos").get<std::string>()));
    return out;
  }

  // The repaired file is one a user can rely on: a container duration, and every frame decodes
  // with nothing on ffmpeg's stderr, from the start and from a seek.
  static void expect_whole(const fs::path& file, const WebmRepair& repair, const std::string& what) {
    const auto probe = ffprobe(file);
    ASSERT_FALSE(probe.is_null()) << what << ": ffprobe cannot read the repaired file";
    ASSERT_TRUE(probe["format"].contains("duration")) << what << ": no container duration";
    EXPECT_NEAR(duration_seconds(probe) * 1000.0, static_cast<double>(repair.last_pts_ms), 100.0) << what;
    const auto decoded = ffmpeg_decode(file);
    EXPECT_EQ(decoded.status, 0) << what;
    EXPECT_EQ(decoded.text, "") << what;
  }

  fs::path dir_;
};

TEST_F(WebmRepairTest, ACrashedVideoFileBecomesWholeWithDurationAndCues) {
  const fs::path path = write_video("crashed.webm", 120);
  const auto before = probe_webm(path.string());
  ASSERT_TRUE(before.ok()) << before.error();
  ASSERT_TRUE(ffprobe(path)["format"].value("duration", std::string()).empty()) << "no duration before";

  const auto repaired = repair_webm(path.string());
  ASSERT_TRUE(repaired.ok()) << repaired.error();
  EXPECT_EQ(repaired->packets, before->packets) << "every frame the crash left is kept";
  EXPECT_EQ(repaired->duration_ms, before->duration_ms);
  EXPECT_EQ(repaired->first_pts_ms, 0);
  EXPECT_EQ(repaired->dropped, 0);
  expect_whole(path, *repaired, "crashed");
  // Seeking works: the cues take a player to the key frame before 2 s.
  const auto seek = umbra::testing::run_command(std::string(UMBRA_FFMPEG) + " -nostdin -v error -ss 2 -i '" +
                                                path.string() + "' -f null - 2>&1");
  EXPECT_EQ(seek.status, 0);
  EXPECT_EQ(seek.text, "");
  EXPECT_FALSE(fs::exists(path.string() + ".repair.tmp")) << "no temporary file left behind";
}

TEST_F(WebmRepairTest, AFinishedFileKeepsEveryFrame) {
  const fs::path path = write_video("finished.webm", 60, true);
  const auto repaired = repair_webm(path.string());
  ASSERT_TRUE(repaired.ok()) << repaired.error();
  EXPECT_EQ(repaired->packets, 60);
  EXPECT_FALSE(repaired->cut);
  EXPECT_EQ(repaired->why, "");
  EXPECT_EQ(repaired->last_pts_ms, 59 * 1000 / 30);
  expect_whole(path, *repaired, "finished");
}

TEST_F(WebmRepairTest, AVideoFileCutAnywhereAfterItsHeaderIsRepairedWhole) {
  const fs::path original = write_video("original.webm", 90);
  const std::string bytes = read_all(original);
  const auto blocks = block_positions(original);
  ASSERT_GT(blocks.size(), 30u);
  // Cuts inside the last cluster (the one a crash leaves unfinished), around block headers (a few
  // bytes before a block's data is its ID, size and timecode) and inside block data, plus a spread
  // over the whole file.
  std::set<std::size_t> cuts;
  for (std::size_t i = blocks.size() - 12; i < blocks.size(); i += 3) {
    const auto pos = static_cast<std::size_t>(blocks[i]);
    for (const std::size_t offset : {pos - 3, pos - 1, pos + 1, pos + 2, pos + 100}) cuts.insert(offset);
  }
  for (std::size_t k = 1; k <= 8; ++k)
    cuts.insert(static_cast<std::size_t>(blocks[1]) +
                k * (bytes.size() - static_cast<std::size_t>(blocks[1])) / 9);
  for (const auto cut : cuts) {
    ASSERT_LT(cut, bytes.size());
    const std::string what = "cut at " + std::to_string(cut) + " of " + std::to_string(bytes.size());
    const fs::path path = dir_ / "cut.webm";
    write_all(path, std::string_view(bytes).substr(0, cut));
    const auto repaired = repair_webm(path.string());
    ASSERT_TRUE(repaired.ok()) << what << ": " << repaired.error();
    EXPECT_GT(repaired->packets, 0) << what;
    EXPECT_EQ(repaired->dropped, 0) << what << ": " << repaired->why;
    expect_whole(path, *repaired, what);
  }
}

TEST_F(WebmRepairTest, AnAudioFileCutInsideItsLastClusterIsRepairedWhole) {
  const fs::path original = write_audio("original.webm", 200);
  const std::string bytes = read_all(original);
  const auto blocks = block_positions(original);
  ASSERT_GT(blocks.size(), 100u);
  for (const std::size_t back : {1u, 5u, 20u}) {
    const auto cut = static_cast<std::size_t>(blocks[blocks.size() - back]) + 3;
    const std::string what = "cut at " + std::to_string(cut);
    const fs::path path = dir_ / "cut.webm";
    write_all(path, std::string_view(bytes).substr(0, cut));
    const auto repaired = repair_webm(path.string());
    ASSERT_TRUE(repaired.ok()) << what << ": " << repaired.error();
    EXPECT_TRUE(repaired->cut) << what;
    EXPECT_EQ(repaired->packets, static_cast<std::int64_t>(blocks.size() - back)) << what;
    EXPECT_EQ(repaired->duration_ms, repaired->packets * 20) << what;
    expect_whole(path, *repaired, what);
  }
}

// The flake seen after a SIGKILL: past a damaged block the demuxer resynchronises on bytes that look
// like a cluster and hands out frames it already gave ("non monotonically increasing dts"). Here the
// file's first cluster is appended after the last whole block, so the demuxer meets it again.
TEST_F(WebmRepairTest, FramesTheDemuxerHandsOutAgainAreDropped) {
  const fs::path original = write_video("original.webm", 90);
  const std::string bytes = read_all(original);
  const auto blocks = block_positions(original);
  ASSERT_GT(blocks.size(), 30u);
  const std::string cluster_id = "\x1f\x43\xb6\x75";
  const auto first_cluster = bytes.find(cluster_id);
  const auto second_cluster = bytes.find(cluster_id, first_cluster + 1);
  ASSERT_NE(second_cluster, std::string::npos);
  std::string spliced = bytes + bytes.substr(first_cluster, second_cluster - first_cluster);
  const fs::path path = dir_ / "spliced.webm";
  write_all(path, spliced);
  const auto unrepaired = ffmpeg_decode(path);
  EXPECT_NE(unrepaired.text.find("non monotonically increasing dts"), std::string::npos)
      << "the planted replay is what the flake looked like: " << unrepaired.text;
  const auto repaired = repair_webm(path.string());
  ASSERT_TRUE(repaired.ok()) << repaired.error();
  EXPECT_EQ(repaired->packets, static_cast<std::int64_t>(blocks.size())) << repaired->why;
  EXPECT_GT(repaired->dropped, 0) << "the replayed frames were not copied";
  EXPECT_NE(repaired->why, "");
  expect_whole(path, *repaired, "spliced (before repair ffmpeg said: " + unrepaired.text + ")");
}

// The archive_restart flake's real cause: a browser's frames at about 20 fps with one pair 21 ms apart.
// ffmpeg re-times video to the frame rate it guesses, so without -enc_time_base:v -1 (media_check.h)
// both land on one 50 ms tick and the null muxer prints "non monotonically increasing dts".
TEST_F(WebmRepairTest, AVideoFileWithJitteredFrameTimesDecodesCleanly) {
  const fs::path path = dir_ / "jittered.webm";
  {
    auto writer = WebmWriter::create(path.string(), MediaKind::kVideo);
    ASSERT_TRUE(writer.ok()) << writer.error();
    umbra::testing::Vp8Encoder encoder;
    ASSERT_TRUE(encoder.ok());
    std::int64_t pts = 0;
    for (int i = 0; i < 80; ++i) {
      for (auto& [frame, key] : encoder.encode(i, i % 40 == 0)) {
        ASSERT_TRUE((*writer)->write(frame, pts, key).ok());
      }
      pts += i == 43 ? 29 : (i == 44 ? 21 : 50);  // ..., 2150, 2179, 2200, 2250, ...
    }
  }
  const auto repaired = repair_webm(path.string());
  ASSERT_TRUE(repaired.ok()) << repaired.error();
  EXPECT_EQ(repaired->dropped, 0);
  expect_whole(path, *repaired, "jittered");
}

TEST_F(WebmRepairTest, AFileCutInsideItsHeaderIsAnErrorAndLeftAsItWas) {
  const fs::path original = write_video("original.webm", 30);
  const std::string cut = read_all(original).substr(0, 60);
  const fs::path path = dir_ / "header.webm";
  write_all(path, cut);
  const auto repaired = repair_webm(path.string());
  ASSERT_FALSE(repaired.ok());
  EXPECT_NE(repaired.error().find("header.webm"), std::string::npos) << repaired.error();
  EXPECT_EQ(read_all(path), cut);
  EXPECT_FALSE(fs::exists(path.string() + ".repair.tmp"));
}

TEST_F(WebmRepairTest, GarbageIsAnErrorAndLeftAsItWas) {
  const fs::path path = dir_ / "garbage.webm";
  const std::string garbage(4096, 'x');
  write_all(path, garbage);
  const auto repaired = repair_webm(path.string());
  ASSERT_FALSE(repaired.ok());
  EXPECT_NE(repaired.error().find("garbage.webm"), std::string::npos) << repaired.error();
  EXPECT_EQ(read_all(path), garbage);
  EXPECT_FALSE(fs::exists(path.string() + ".repair.tmp"));
}

TEST_F(WebmRepairTest, AnEmptyFileIsAnErrorAndStaysEmpty) {
  const fs::path path = dir_ / "empty.webm";
  write_all(path, "");
  ASSERT_FALSE(repair_webm(path.string()).ok());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(WebmRepairTest, AMissingFileIsAClearErrorAndCreatesNothing) {
  const auto repaired = repair_webm((dir_ / "missing.webm").string());
  ASSERT_FALSE(repaired.ok());
  EXPECT_NE(repaired.error().find("No such file or directory"), std::string::npos) << repaired.error();
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace umbra::archive
