// Recording real media: VP8 from libvpx and Opus from libopus, packetized into RTP, delivered with
// reordering, duplicates, a late retransmission and real loss, recorded by StreamRecorder, then
// read back by the ffmpeg tools a user would use.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "archive/archive_recorder.h"
#include "archive/stream_recorder.h"
#include "support/media_check.h"
#include "support/media_frames.h"
#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Outcome = RecordingResult::Outcome;

using umbra::testing::CommandOutput;
using umbra::testing::duration_seconds;
using umbra::testing::ffmpeg_decode;
using umbra::testing::ffprobe;
using umbra::testing::OpusFrames;
using umbra::testing::Vp8Encoder;

// The network between publisher and recorder: packets arrive in a shuffled order (every fifth
// swaps with the next), some twice, some are lost, one comes back late as a NACK answer would.
class Network {
 public:
  explicit Network(std::set<std::size_t> lost, std::set<std::size_t> retransmitted = {})
      : lost_(std::move(lost)), retransmitted_(std::move(retransmitted)) {}

  void send(Bytes packet, TimePoint now) {
    const std::size_t index = sent_++;
    if (lost_.contains(index)) return;
    TimePoint arrival = now + milliseconds(5);
    if (index % 5 == 0) arrival += milliseconds(40);                   // overtaken by the next packets
    if (retransmitted_.contains(index)) arrival += milliseconds(150);  // NACK round trip
    if (index % 11 == 0) in_flight_.push_back({arrival + milliseconds(1), packet});  // duplicate
    in_flight_.push_back({arrival, std::move(packet)});
  }

  void deliver(StreamRecorder& recorder, TimePoint now) {
    deliver([&](const rtc::rtp::RtpPacket& packet, TimePoint at) { recorder.push(packet, at); }, now);
    recorder.poll(now);
  }

  // Hands `receive` everything that has arrived by `now`, in arrival order.
  void deliver(const std::function<void(const rtc::rtp::RtpPacket&, TimePoint)>& receive, TimePoint now) {
    std::stable_sort(in_flight_.begin(), in_flight_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto it = in_flight_.begin();
    for (; it != in_flight_.end() && it->first <= now; ++it) {
      auto packet = rtc::rtp::RtpPacket::parse(it->second);
      ASSERT_TRUE(packet.ok());
      receive(*packet, it->first);
    }
    in_flight_.erase(in_flight_.begin(), it);
  }

 private:
  std::set<std::size_t> lost_;
  std::set<std::size_t> retransmitted_;
  std::size_t sent_ = 0;
  std::vector<std::pair<TimePoint, Bytes>> in_flight_;
};

class ArchiveRecording : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("umbra-archive-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  // UMBRA_KEEP_TEST_FILES=1 keeps the recordings for a look with other players.
  void TearDown() override {
    if (std::getenv("UMBRA_KEEP_TEST_FILES") == nullptr) fs::remove_all(dir_);
  }

  // Publishes `frames` VP8 frames at 30 fps into a recorder, answering its key frame requests the
  // way the router would (at most one PLI per 500 ms). Returns the number of key frames sent.
  int publish_video(StreamRecorder& recorder, Network& network, int frames, TimePoint start) {
    Vp8Encoder encoder;
    EXPECT_TRUE(encoder.ok());
    testing::TestPacketizer packetizer(96, 0x1111, 65500);  // wraps its sequence numbers early on
    std::optional<TimePoint> last_request;
    int key_frames = 0;
    for (int i = 0; i < frames; ++i) {
      const TimePoint now = start + milliseconds(i * 1000 / 30);
      bool force = false;
      if (recorder.wants_key_frame() && (!last_request || now - *last_request >= milliseconds(500))) {
        force = true;
        last_request = now;
      }
      for (auto& [frame, key] : encoder.encode(i, force)) {
        key_frames += key ? 1 : 0;
        for (auto& packet : packetizer.vp8(frame, static_cast<std::uint32_t>(i * 3000), 300)) {
          network.send(std::move(packet), now);
        }
      }
      network.deliver(recorder, now);
    }
    network.deliver(recorder, start + milliseconds(frames * 1000 / 30 + 1000));  // the last in flight
    return key_frames;
  }

  fs::path dir_;
};

TEST_F(ArchiveRecording, RecordsVp8ThroughReorderingAndLossToAPlayableFile) {
  const fs::path file = dir_ / "video.webm";
  auto recorder = StreamRecorder::create(file.string(), MediaKind::kVideo);
  ASSERT_TRUE(recorder.ok()) << recorder.error();
  EXPECT_TRUE((*recorder)->wants_key_frame()) << "a recording opens on a key frame";
  // Lost for good: one packet early on (the recorder must ask for a key frame to recover). Late but
  // recovered: another one, whose frame must survive.
  Network network({40}, {200});
  const TimePoint start{};
  const int key_frames = publish_video(**recorder, network, 120, start);
  const auto result = (*recorder)->finish();

  ASSERT_EQ(result.outcome, Outcome::kRecorded) << result.error;
  EXPECT_EQ(key_frames, 2) << "one to start, one to recover from the loss";
  EXPECT_EQ(result.packets_lost, 1U);
  EXPECT_GT(result.frames_dropped, 0U);
  EXPECT_NEAR(std::chrono::duration<double>(result.duration).count(), 119.0 / 30.0, 0.05);

  const auto probe = ffprobe(file);
  ASSERT_TRUE(probe.is_object()) << "ffprobe could not read " << file;
  ASSERT_EQ(probe["streams"].size(), 1U);
  EXPECT_EQ(probe["streams"][0]["codec_name"], "vp8");
  EXPECT_EQ(probe["streams"][0]["width"], 320);
  EXPECT_EQ(probe["streams"][0]["height"], 240);
  EXPECT_NEAR(duration_seconds(probe), 4.0, 0.2);
  const auto decoded = ffmpeg_decode(file);
  EXPECT_EQ(decoded.status, 0);
  EXPECT_EQ(decoded.text, "") << "ffmpeg reported decoding errors";
}

TEST_F(ArchiveRecording, RecordsOpusThroughReorderingAndLossToAPlayableFile) {
  const fs::path file = dir_ / "audio.webm";
  auto recorder = StreamRecorder::create(file.string(), MediaKind::kAudio);
  ASSERT_TRUE(recorder.ok()) << recorder.error();
  EXPECT_FALSE((*recorder)->wants_key_frame());
  OpusFrames opus(2);
  ASSERT_TRUE(opus.ok());
  testing::TestPacketizer packetizer(111, 0x2222, 65530, 0xFFFF0000);  // both counters wrap
  Network network({30, 31, 90}, {150});
  const TimePoint start{};
  constexpr int kFrames = 250;  // 5 s
  for (int i = 0; i < kFrames; ++i) {
    const TimePoint now = start + milliseconds(i * 20);
    network.send(packetizer.opus(opus.encode(i), static_cast<std::uint32_t>(i * 960)), now);
    network.deliver(**recorder, now);
  }
  network.deliver(**recorder, start + milliseconds(kFrames * 20 + 1000));  // the last in flight
  const auto result = (*recorder)->finish();
  ASSERT_EQ(result.outcome, Outcome::kRecorded) << result.error;
  EXPECT_EQ(result.packets_lost, 3U);
  EXPECT_EQ(result.frames_written, kFrames - 3U);
  EXPECT_EQ(result.duration, milliseconds((kFrames - 1) * 20));
  // The first packet was overtaken and arrived 45 ms in: that, not when the jitter buffer let it
  // go, is where the file starts on the archive's timeline.
  EXPECT_EQ(result.first_frame_at, start + milliseconds(45));

  const auto probe = ffprobe(file);
  ASSERT_TRUE(probe.is_object()) << "ffprobe could not read " << file;
  ASSERT_EQ(probe["streams"].size(), 1U);
  EXPECT_EQ(probe["streams"][0]["codec_name"], "opus");
  EXPECT_EQ(probe["streams"][0]["sample_rate"], "48000");
  EXPECT_EQ(probe["streams"][0]["channels"], 2);
  EXPECT_NEAR(duration_seconds(probe), 5.0, 0.2);
  const auto decoded = ffmpeg_decode(file);
  EXPECT_EQ(decoded.status, 0);
  EXPECT_EQ(decoded.text, "") << "ffmpeg reported decoding errors";
}

TEST_F(ArchiveRecording, StopWithoutAKeyFrameIsNoMediaAndLeavesNoFile) {
  const fs::path file = dir_ / "video.webm";
  auto recorder = StreamRecorder::create(file.string(), MediaKind::kVideo);
  ASSERT_TRUE(recorder.ok()) << recorder.error();
  testing::TestPacketizer packetizer(96, 0x1111);
  const TimePoint start{};
  for (int i = 0; i < 10; ++i) {
    for (auto& bytes :
         packetizer.vp8(testing::fake_vp8_delta_frame(), static_cast<std::uint32_t>(i * 3000))) {
      auto packet = rtc::rtp::RtpPacket::parse(bytes);
      ASSERT_TRUE(packet.ok());
      (*recorder)->push(*packet, start + milliseconds(i * 33));
    }
  }
  EXPECT_TRUE((*recorder)->wants_key_frame());
  const auto result = (*recorder)->finish();
  EXPECT_EQ(result.outcome, Outcome::kNoMedia);
  EXPECT_NE(result.error.find("no VP8 key frame"), std::string::npos) << result.error;
  EXPECT_EQ(result.frames_dropped, 10U);
  EXPECT_FALSE(fs::exists(file));
}

TEST_F(ArchiveRecording, AnUnwritableDirectoryFailsBeforeAnyMedia) {
  const auto recorder = StreamRecorder::create((dir_ / "missing" / "video.webm").string(), MediaKind::kVideo);
  ASSERT_FALSE(recorder.ok());
  EXPECT_NE(recorder.error().find("cannot create"), std::string::npos) << recorder.error();
}

TEST_F(ArchiveRecording, ADiskThatFillsUpFailsTheRecordingWithAClearError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto recorder = StreamRecorder::create("/dev/full", MediaKind::kVideo);
  ASSERT_TRUE(recorder.ok()) << recorder.error();
  Network network({});
  publish_video(**recorder, network, 30, TimePoint{});
  EXPECT_TRUE((*recorder)->failed());
  EXPECT_FALSE((*recorder)->wants_key_frame()) << "a failed recording asks nothing of the publisher";
  const auto result = (*recorder)->finish();
  EXPECT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_NE(result.error.find("No space left on device"), std::string::npos) << result.error;
}

// The archive as a whole: one publisher with audio and video from the start, a second one whose
// video joins 1.5 s in and leaves 2 s later. Every track is its own playable file whose duration
// matches its entry, and the entries place the late stream on the archive's timeline.
TEST_F(ArchiveRecording, AnArchiveOfTwoPublishersGivesAPlayableFilePerTrack) {
  const TimePoint start{};
  auto created = ArchiveRecorder::create(dir_.string(), "arc_test", {}, start);
  ASSERT_TRUE(created.ok()) << created.error();
  ArchiveRecorder& archive = **created;
  ASSERT_TRUE(archive.add_track("str_a", MediaKind::kVideo));
  ASSERT_TRUE(archive.add_track("str_a", MediaKind::kAudio));

  Vp8Encoder video_a;
  Vp8Encoder video_b;
  OpusFrames audio_a(1);
  ASSERT_TRUE(video_a.ok() && video_b.ok() && audio_a.ok());
  testing::TestPacketizer pack_video_a(96, 0xA1);
  testing::TestPacketizer pack_audio_a(111, 0xA2);
  testing::TestPacketizer pack_video_b(96, 0xB1, 30000, 777);
  Network net_video_a({});
  Network net_audio_a({});
  Network net_video_b({});
  constexpr int kEndMs = 4000;
  constexpr int kJoinMs = 1500;
  constexpr int kLeaveMs = 3500;
  int video_a_frames = 0;
  int video_b_frames = 0;
  int audio_frames = 0;
  for (int ms = 0; ms <= kEndMs + 1000; ++ms) {
    const TimePoint now = start + milliseconds(ms);
    if (ms < kEndMs && ms >= video_a_frames * 1000 / 30) {
      for (auto& [frame, key] :
           video_a.encode(video_a_frames, archive.wants_key_frame("str_a") && video_a_frames == 0)) {
        for (auto& p : pack_video_a.vp8(frame, static_cast<std::uint32_t>(video_a_frames * 3000))) {
          net_video_a.send(std::move(p), now);
        }
      }
      ++video_a_frames;
    }
    if (ms < kEndMs && ms >= audio_frames * 20) {
      net_audio_a.send(
          pack_audio_a.opus(audio_a.encode(audio_frames), static_cast<std::uint32_t>(audio_frames * 960)),
          now);
      ++audio_frames;
    }
    if (ms == kJoinMs) {
      ASSERT_TRUE(archive.add_track("str_b", MediaKind::kVideo));
    }
    const int b_ms = ms - kJoinMs;
    if (ms >= kJoinMs && ms < kLeaveMs && b_ms >= video_b_frames * 1000 / 30) {
      for (auto& [frame, key] : video_b.encode(video_b_frames, video_b_frames == 0)) {
        for (auto& p : pack_video_b.vp8(frame, static_cast<std::uint32_t>(video_b_frames * 3000))) {
          net_video_b.send(std::move(p), now);
        }
      }
      ++video_b_frames;
    }
    net_video_a.deliver([&](const auto& p, TimePoint at) { archive.push("str_a", MediaKind::kVideo, p, at); },
                        now);
    net_audio_a.deliver([&](const auto& p, TimePoint at) { archive.push("str_a", MediaKind::kAudio, p, at); },
                        now);
    net_video_b.deliver([&](const auto& p, TimePoint at) { archive.push("str_b", MediaKind::kVideo, p, at); },
                        now);
    if (ms == kLeaveMs + 500) archive.track_ended("str_b", MediaKind::kVideo);
    archive.poll(now);
  }
  archive.stop(StopReason::kRequested, start + milliseconds(kEndMs + 1000));

  const ArchiveSession& session = archive.session();
  ASSERT_EQ(session.status(), ArchiveStatus::kStopped);
  ASSERT_EQ(session.streams().size(), 3U);
  const std::map<std::string, std::pair<std::string, double>> expected = {{"str_a-video.webm", {"vp8", 4.0}},
                                                                          {"str_a-audio.webm", {"opus", 4.0}},
                                                                          {"str_b-video.webm", {"vp8", 2.0}}};
  for (const auto& entry : session.streams()) {
    SCOPED_TRACE(entry.file);
    ASSERT_EQ(entry.state, StreamEntry::State::kRecorded) << entry.error;
    const auto probe = ffprobe(dir_ / "arc_test" / entry.file);
    ASSERT_TRUE(probe.is_object());
    EXPECT_EQ(probe["streams"][0]["codec_name"], expected.at(entry.file).first);
    EXPECT_NEAR(duration_seconds(probe), expected.at(entry.file).second, 0.2);
    EXPECT_NEAR(std::chrono::duration<double>(entry.duration).count(), duration_seconds(probe), 0.1);
    const auto decoded = ffmpeg_decode(dir_ / "arc_test" / entry.file);
    EXPECT_EQ(decoded.status, 0);
    EXPECT_EQ(decoded.text, "");
  }
  EXPECT_LT(session.streams()[0].start_offset, milliseconds(100));
  EXPECT_NEAR(std::chrono::duration<double>(session.streams()[2].start_offset).count(), 1.5, 0.1);
}

// What a server killed mid-recording leaves: no trailer, no cues, no duration. The file must still
// be readable and decodable as far as it was written.
TEST_F(ArchiveRecording, AProcessKilledMidRecordingLeavesAPlayableFile) {
  const fs::path file = dir_ / "killed.webm";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto recorder = StreamRecorder::create(file.string(), MediaKind::kVideo);
    if (!recorder.ok()) ::_exit(2);
    Network network({});
    publish_video(**recorder, network, 120, TimePoint{});  // 4 s, never finished
    (void)::raise(SIGKILL);
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;

  const auto probe = ffprobe(file, "-count_packets");
  ASSERT_TRUE(probe.is_object()) << "ffprobe could not read the file a killed process left";
  ASSERT_EQ(probe["streams"].size(), 1U);
  EXPECT_EQ(probe["streams"][0]["codec_name"], "vp8");
  // Clusters close every second, so at most about a second (plus the jitter buffer's hold) is lost.
  const int packets = std::stoi(probe["streams"][0]["nb_read_packets"].get<std::string>());
  EXPECT_GE(packets, 120 - 30 - 20);
  const auto decoded = ffmpeg_decode(file);
  EXPECT_EQ(decoded.status, 0);
  EXPECT_EQ(decoded.text, "") << "ffmpeg reported decoding errors";
}

}  // namespace
}  // namespace umbra::archive
