#include "archive/webm_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

namespace fs = std::filesystem;

class WebmWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("umbra-webm-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WebmWriterTest, AnUnwritableDirectoryIsAClearErrorAtCreation) {
  // A regular file where a directory should be: refused even for root, unlike permission bits.
  const fs::path not_a_dir = dir_ / "file";
  std::ofstream(not_a_dir) << "x";
  const auto writer = WebmWriter::create((not_a_dir / "stream.webm").string(), MediaKind::kVideo);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().find("cannot create"), std::string::npos) << writer.error();
  EXPECT_NE(writer.error().find("stream.webm"), std::string::npos) << writer.error();
  EXPECT_NE(writer.error().find("Not a directory"), std::string::npos) << writer.error();
}

TEST_F(WebmWriterTest, AMissingDirectoryIsAClearError) {
  const auto writer = WebmWriter::create((dir_ / "missing" / "a.webm").string(), MediaKind::kAudio);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().find("No such file or directory"), std::string::npos) << writer.error();
}

TEST_F(WebmWriterTest, AFullDiskIsAnErrorOnTheWriteNotACrash) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto writer = WebmWriter::create("/dev/full", MediaKind::kVideo);
  ASSERT_TRUE(writer.ok()) << writer.error();
  const Bytes key = testing::fake_vp8_key_frame(4000);
  Result<void, std::string> result;
  for (std::int64_t i = 0; i < 50 && result.ok(); ++i) result = (*writer)->write(key, i * 33, true);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("No space left on device"), std::string::npos) << result.error();
  // Failed for good: later calls say the same, and finish does not pretend.
  EXPECT_FALSE((*writer)->write(key, 10000, true).ok());
  EXPECT_FALSE((*writer)->finish().ok());
}

TEST_F(WebmWriterTest, AVideoFileMustStartWithAKeyFrame) {
  auto writer = WebmWriter::create((dir_ / "v.webm").string(), MediaKind::kVideo);
  ASSERT_TRUE(writer.ok()) << writer.error();
  const auto result = (*writer)->write(testing::fake_vp8_delta_frame(), 0, false);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("key frame"), std::string::npos) << result.error();
}

TEST_F(WebmWriterTest, RefusesTimestampsThatGoBack) {
  auto writer = WebmWriter::create((dir_ / "v.webm").string(), MediaKind::kVideo);
  ASSERT_TRUE(writer.ok()) << writer.error();
  ASSERT_TRUE((*writer)->write(testing::fake_vp8_key_frame(), 100, true).ok());
  EXPECT_FALSE((*writer)->write(testing::fake_vp8_delta_frame(), 100, false).ok());
  EXPECT_TRUE((*writer)->finish().ok());
}

TEST_F(WebmWriterTest, FinishWithoutMediaSaysSo) {
  auto writer = WebmWriter::create((dir_ / "a.webm").string(), MediaKind::kAudio);
  ASSERT_TRUE(writer.ok()) << writer.error();
  EXPECT_FALSE((*writer)->has_media());
  const auto result = (*writer)->finish();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("no media"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace umbra::archive
