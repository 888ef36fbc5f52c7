// Recording through the real router (issue 6): native peers publish real VP8 (libvpx) and Opus
// (libopus) over loopback UDP through Router, which records them with src/archive on its
// recording thread; the files are then read back with ffprobe and decoded with ffmpeg.
//
// Durations come from the RTP timestamps the peers send (frame index x 3000 or x 960), so they do
// not depend on how fast this machine runs; the tolerance (kDurationTolerance) covers the odd
// packet lost on a loaded loopback and one frame of rounding.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/rtp_sender.h"
#include "client/udp_peer.h"
#include "crypto/certificate.h"
#include "io_run_until.h"
#include "router/router.h"
#include "support/media_check.h"
#include "support/media_frames.h"

namespace umbra::router {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr double kDurationTolerance = 0.15;  // seconds
constexpr std::uint8_t kVp8Pt = 96;
constexpr std::uint8_t kRtxPt = 97;
constexpr std::uint8_t kOpusPt = 111;

using umbra::testing::duration_seconds;
using umbra::testing::ffprobe;

// ffmpeg decodes every frame and prints nothing at -v error when the file is sound.
void expect_decodes_cleanly(const fs::path& file) {
  const auto out = umbra::testing::ffmpeg_decode(file);
  EXPECT_EQ(out.status, 0) << file;
  EXPECT_EQ(out.text, "") << "ffmpeg reported decoding errors in " << file;
}

// A browser-like publisher: one transport, a VP8 track (NACK/RTX, key frames on PLI) and optionally
// an Opus track, both sent in real time.
struct Publisher : client::PeerTransport::Listener {
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::UdpPeer udp;
  std::string transport_id;
  bool connected = false;
  bool active = true;
  std::optional<client::RtpSender> video;
  std::optional<client::RtpSender> audio;
  umbra::testing::Vp8Encoder vp8;
  umbra::testing::OpusFrames opus{1};
  SteadyTime origin{};
  int video_frames = 0;
  int audio_frames = 0;
  std::uint64_t key_requests_answered = 0;
  std::vector<int> key_frames;  // indexes of the video frames sent as key frames
  std::uint16_t picture_id = 0x1234;

  Publisher(asio::io_context& io)
      : udp(io, std::make_shared<const rtc::dtls::DtlsContext>(cert), "127.0.0.1") {
    udp.transport().set_listener(this);
  }
  void on_connected() override { connected = true; }
  void on_rtp(rtc::rtp::RtpPacket&, client::TimePoint) override {}
  void on_rtcp(ByteSpan compound, client::TimePoint) override {
    for (auto* sender : {&video, &audio}) {
      if (!*sender) continue;
      for (Bytes& resend : (*sender)->handle_rtcp(compound)) udp.transport().send_rtp(resend);
    }
  }

  // One frame, answering any key frame request that came in since the last one.
  void send_video_frame() {
    const bool force = video->keyframe_requests() > key_requests_answered;
    key_requests_answered = video->keyframe_requests();
    const int index = video_frames++;
    for (auto& [frame, key] : vp8.encode(index, force)) {
      if (key) key_frames.push_back(index);
      // RFC 7741 section 4.2, as browsers send it: X=1, S on the first packet, a 15-bit picture id.
      std::size_t offset = 0;
      do {
        const std::size_t chunk = std::min<std::size_t>(1000, frame.size() - offset);
        Bytes payload = {static_cast<std::uint8_t>(0x80 | (offset == 0 ? 0x10 : 0x00)), 0x80,
                         static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7F)),
                         static_cast<std::uint8_t>(picture_id)};
        payload.insert(payload.end(), frame.begin() + static_cast<std::ptrdiff_t>(offset),
                       frame.begin() + static_cast<std::ptrdiff_t>(offset + chunk));
        offset += chunk;
        Bytes packet =
            video->packetize(payload, static_cast<std::uint32_t>(index) * 3000, offset == frame.size());
        (void)udp.transport().send_rtp(packet);
      } while (offset < frame.size());
      picture_id = static_cast<std::uint16_t>((picture_id + 1) & 0x7FFF);
    }
  }

  void send_audio_frame() {
    const int index = audio_frames++;
    Bytes packet = audio->packetize(opus.encode(index), static_cast<std::uint32_t>(index) * 960, false);
    (void)udp.transport().send_rtp(packet);
  }

  // Sends every frame due by `now` (30 fps video, 20 ms audio).
  void send_due(SteadyTime now) {
    if (!active) return;
    while (video && origin + video_frames * 1000ms / 30 <= now) send_video_frame();
    while (audio && origin + audio_frames * 20ms <= now) send_audio_frame();
  }
};

class RouterRecording : public ::testing::Test {
 protected:
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  fs::path root;
  std::unique_ptr<Router> router;
  std::vector<std::unique_ptr<Publisher>> publishers;
  std::vector<server::RecordingReport> updates;

  void SetUp() override {
    root = fs::temp_directory_path() / ("umbra-router-recording-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    RouterOptions options;
    options.rtc_port = 0;
    options.workers = 2;
    router = std::make_unique<Router>(options, router_cert,
                                      [this](std::function<void()> fn) { asio::post(io, std::move(fn)); });
    router->set_on_recording_update([this](const server::RecordingReport& r) { updates.push_back(r); });
  }
  // UMBRA_KEEP_TEST_FILES=1 keeps the recordings for a look with other players.
  void TearDown() override {
    publishers.clear();
    router.reset();
    if (std::getenv("UMBRA_KEEP_TEST_FILES") == nullptr) fs::remove_all(root);
  }

  // Runs the test thread's io_context (router completions, peers) until pred holds; the bound
  // only keeps a broken build from hanging.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds bound = 10s) {
    return umbra::testing::run_until(io, pred, bound);
  }

  // Streams every active publisher's media in real time for `d`.
  void stream_for(std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
      const auto now = std::chrono::steady_clock::now();
      for (auto& p : publishers) p->send_due(now);
      io.run_for(2ms);
    }
  }

  std::string create_transport(const std::string& room, bool e2ee = false) {
    std::optional<server::TransportInfo> info;
    router->create_transport({room, "conn", e2ee}, [&](auto outcome) { info = outcome.value; });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    return info ? info->transport_id : "";
  }

  std::string produce(Publisher& pub, const std::string& kind, const std::string& stream_id) {
    server::ProduceOptions options;
    options.kind = kind;
    options.stream_id = stream_id;
    if (kind == "video") {
      options.rtp.codecs = {{"video/VP8", kVp8Pt, 90000, 0, "", kRtxPt}};
      options.rtp.encodings = {{pub.video->params().ssrc, pub.video->params().rtx_ssrc, ""}};
    } else {
      options.rtp.codecs = {{"audio/opus", kOpusPt, 48000, 2, "minptime=10;useinbandfec=1", std::nullopt}};
      options.rtp.encodings = {{pub.audio->params().ssrc, std::nullopt, ""}};
    }
    std::string id;
    router->produce(pub.transport_id, options, [&](auto outcome) {
      EXPECT_TRUE(outcome.value) << outcome.error.message;
      if (outcome.value) id = outcome.value->producer_id;
    });
    EXPECT_TRUE(run_until([&] { return !id.empty(); }));
    return id;
  }

  // A connected publisher of `stream_id` with VP8 (and Opus when `with_audio`), its media clock
  // starting now.
  Publisher& publish(const std::string& room, const std::string& stream_id, std::uint32_t ssrc_base,
                     bool with_audio) {
    publishers.push_back(std::make_unique<Publisher>(io));
    Publisher& p = *publishers.back();
    EXPECT_TRUE(p.vp8.ok() && p.opus.ok());
    std::optional<server::TransportInfo> info;
    router->create_transport({room, "conn", false}, [&](auto outcome) { info = outcome.value; });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    p.transport_id = info->transport_id;
    bool done = false;
    router->connect_transport(p.transport_id, {"client", {{"sha-256", p.cert.fingerprint_text()}}},
                              [&](auto outcome) {
                                EXPECT_TRUE(outcome.value) << outcome.error.message;
                                done = true;
                              });
    EXPECT_TRUE(run_until([&] { return done; }));
    const auto& c = info->candidates.front();
    const auto remote = rtc::stun::Address::ipv4(asio::ip::make_address_v4(c.ip).to_bytes(), c.port);
    EXPECT_TRUE(
        p.udp.start({remote, {info->ice_ufrag, info->ice_pwd}, "sha-256", info->fingerprints.front().value}));
    EXPECT_TRUE(run_until([&] { return p.connected; }));
    p.video.emplace(client::RtpSenderParams{ssrc_base, kVp8Pt, ssrc_base + 1, kRtxPt});
    (void)produce(p, "video", stream_id);
    if (with_audio) {
      p.audio.emplace(client::RtpSenderParams{ssrc_base + 2, kOpusPt, std::nullopt, 0});
      (void)produce(p, "audio", stream_id);
    }
    p.origin = std::chrono::steady_clock::now();
    return p;
  }

  server::RouterOutcome<server::RecordingReport> start(const std::string& room, const std::string& archive_id,
                                                       const fs::path& archive_root) {
    std::optional<server::RouterOutcome<server::RecordingReport>> out;
    router->start_recording({room, archive_id, archive_root.string(), true, true},
                            [&](auto outcome) { out = std::move(outcome); });
    EXPECT_TRUE(run_until([&] { return out.has_value(); }));
    return out.value_or(server::RouterOutcome<server::RecordingReport>{});
  }

  server::RouterOutcome<server::RecordingReport> stop(const std::string& archive_id,
                                                      const std::string& reason) {
    std::optional<server::RouterOutcome<server::RecordingReport>> out;
    router->stop_recording(archive_id, reason, [&](auto outcome) { out = std::move(outcome); });
    EXPECT_TRUE(run_until([&] { return out.has_value(); }));
    return out.value_or(server::RouterOutcome<server::RecordingReport>{});
  }

  static const server::RecordedStream* find(const server::RecordingReport& report, const std::string& file) {
    for (const auto& s : report.streams) {
      if (s.file == file) return &s;
    }
    return nullptr;
  }

  // The file plays as `codec` for `seconds` (as its report entry says too) and decodes cleanly.
  void expect_file(const fs::path& dir, const server::RecordedStream& entry, const std::string& codec,
                   double seconds) {
    SCOPED_TRACE(entry.file);
    EXPECT_EQ(entry.state, "recorded") << entry.error;
    const auto probe = ffprobe(dir / entry.file);
    ASSERT_TRUE(probe.is_object()) << "ffprobe could not read " << entry.file;
    ASSERT_EQ(probe["streams"].size(), 1U);
    EXPECT_EQ(probe["streams"][0]["codec_name"], codec);
    EXPECT_NEAR(duration_seconds(probe), seconds, kDurationTolerance);
    EXPECT_NEAR(static_cast<double>(entry.duration_ms) / 1000.0, duration_seconds(probe), 0.1);
    expect_decodes_cleanly(dir / entry.file);
  }
};

// Started before the room has any transport; a publisher with audio and video joins, a second
// one's video joins later and leaves mid-archive; every track ends up a playable file.
TEST_F(RouterRecording, RecordsEveryTrackOfTheRoomToPlayableFiles) {
  const auto started = start("room-rec", "arc_main", root);
  ASSERT_TRUE(started.value) << started.error.message;
  EXPECT_EQ(started.value->archive_id, "arc_main");
  EXPECT_EQ(started.value->room_id, "room-rec");
  EXPECT_EQ(started.value->status, "started");
  EXPECT_TRUE(started.value->streams.empty());
  EXPECT_FALSE(started.value->finished);
  EXPECT_TRUE(fs::is_directory(root / "arc_main"));

  const auto again = start("room-rec", "arc_main", root);
  ASSERT_FALSE(again.value);
  EXPECT_EQ(again.error.code, "archive_in_progress");

  Publisher& a = publish("room-rec", "str_a", 0x1000, true);
  ASSERT_TRUE(run_until([&] { return !updates.empty() && updates.back().streams.size() == 2; }))
      << "the control plane hears of both tracks";
  stream_for(1000ms);

  Publisher& b = publish("room-rec", "str_b", 0x2000, false);
  stream_for(1200ms);
  b.active = false;
  router->close_transport(b.transport_id);
  const auto b_left = [&] {
    if (updates.empty()) return false;
    const auto* entry = find(updates.back(), "str_b-video.webm");
    return entry != nullptr && entry->state != "recording";
  };
  ASSERT_TRUE(run_until(b_left)) << "a producer closing finishes its file";
  {
    const auto& report = updates.back();
    EXPECT_EQ(report.status, "started");
    EXPECT_EQ(find(report, "str_b-video.webm")->state, "recorded") << find(report, "str_b-video.webm")->error;
    EXPECT_EQ(find(report, "str_a-video.webm")->state, "recording") << "the other publisher keeps recording";
    EXPECT_EQ(find(report, "str_a-audio.webm")->state, "recording");
  }
  stream_for(800ms);

  const auto stopped = stop("arc_main", "requested");
  ASSERT_TRUE(stopped.value) << stopped.error.message;
  const auto& report = *stopped.value;
  EXPECT_EQ(report.status, "stopped");
  EXPECT_EQ(report.stop_reason, "requested");
  EXPECT_TRUE(report.finished);
  ASSERT_EQ(report.streams.size(), 3U);
  // Whether this recording had to ask for a key frame depends on timing (libvpx's first frame is
  // one, and may reach the recorder before its first poll); PLIs are checked by
  // AsksAStreamingPublisherForAKeyFrameAndFinishesFilesWhenDestroyed, which starts after it.

  const fs::path dir = root / "arc_main";
  const auto* a_video = find(report, "str_a-video.webm");
  const auto* a_audio = find(report, "str_a-audio.webm");
  const auto* b_video = find(report, "str_b-video.webm");
  ASSERT_TRUE(a_video && a_audio && b_video);
  ASSERT_FALSE(a.key_frames.empty());
  expect_file(dir, *a_video, "vp8", (a.video_frames - 1 - a.key_frames.front()) / 30.0);
  expect_file(dir, *a_audio, "opus", (a.audio_frames - 1) * 0.020);
  expect_file(dir, *b_video, "vp8", (b.video_frames - 1 - b.key_frames.front()) / 30.0);
  EXPECT_LT(a_video->start_offset_ms, 1000);
  EXPECT_GT(b_video->start_offset_ms, 900) << "the late stream sits ~1 s into the archive";
  EXPECT_LT(b_video->start_offset_ms, 2500);

  const auto gone = stop("arc_main", "requested");
  ASSERT_FALSE(gone.value);
  EXPECT_EQ(gone.error.code, "archive_not_found");
}

// A publisher already streaming (no subscriber, so no key frame in a while) is asked for one by
// the recording; a router destroyed mid-recording (a graceful server stop) finishes the files.
TEST_F(RouterRecording, AsksAStreamingPublisherForAKeyFrameAndFinishesFilesWhenDestroyed) {
  Publisher& a = publish("room-late", "str_a", 0x3000, true);
  stream_for(600ms);
  const auto before = a.video->keyframe_requests();
  EXPECT_EQ(a.key_frames.size(), 1U) << "only libvpx's first frame so far";

  const auto started = start("room-late", "arc_late", root);
  ASSERT_TRUE(started.value) << started.error.message;
  EXPECT_EQ(started.value->streams.size(), 2U) << "the room's producers are tracks from the start";
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (a.video->keyframe_requests() == before && std::chrono::steady_clock::now() < deadline)
    stream_for(20ms);
  ASSERT_GT(a.video->keyframe_requests(), before) << "a PLI reached the publisher after start_recording";
  stream_for(1500ms);
  ASSERT_GE(a.key_frames.size(), 2U);
  const int first_recorded = a.key_frames[1];

  router.reset();  // ~Router: the recording is interrupted, its files finished
  const fs::path dir = root / "arc_late";
  const auto video = ffprobe(dir / "str_a-video.webm");
  ASSERT_TRUE(video.is_object());
  EXPECT_EQ(video["streams"][0]["codec_name"], "vp8");
  EXPECT_NEAR(duration_seconds(video), (a.video_frames - 1 - first_recorded) / 30.0, kDurationTolerance)
      << "the trailer carries the duration";
  expect_decodes_cleanly(dir / "str_a-video.webm");
  const auto audio = ffprobe(dir / "str_a-audio.webm");
  ASSERT_TRUE(audio.is_object());
  EXPECT_EQ(audio["streams"][0]["codec_name"], "opus");
  EXPECT_GT(duration_seconds(audio), 1.5);
  expect_decodes_cleanly(dir / "str_a-audio.webm");
}

TEST_F(RouterRecording, AnUncreatableArchiveRootIsAnError) {
  fs::create_directories(root);
  const fs::path not_a_directory = root / "file";
  {
    std::FILE* f = std::fopen(not_a_directory.c_str(), "w");
    ASSERT_NE(f, nullptr);
    (void)std::fclose(f);
  }
  const auto started = start("room-x", "arc_x", not_a_directory);
  ASSERT_FALSE(started.value);
  EXPECT_EQ(started.error.code, "archive_storage_failed");
  EXPECT_NE(started.error.message.find("cannot create the archive directory"), std::string::npos)
      << started.error.message;
  const auto stopped = stop("arc_x", "requested");
  EXPECT_EQ(stopped.error.code, "archive_not_found") << "nothing is recording";
}

TEST_F(RouterRecording, AnEndToEndEncryptedRoomIsRefused) {
  (void)create_transport("room-e2ee", true);
  const auto started = start("room-e2ee", "arc_e", root);
  ASSERT_FALSE(started.value);
  EXPECT_EQ(started.error.code, "e2ee_unsupported");
  EXPECT_FALSE(fs::exists(root / "arc_e")) << "nothing was created";
}

TEST_F(RouterRecording, AnUnknownStopReasonIsRefusedAndTheArchiveGoesOn) {
  ASSERT_TRUE(start("room-r", "arc_r", root).value);
  const auto refused = stop("arc_r", "bored");
  ASSERT_FALSE(refused.value);
  EXPECT_EQ(refused.error.code, "invalid_stop_reason");
  const auto stopped = stop("arc_r", "session_ended");
  ASSERT_TRUE(stopped.value) << stopped.error.message;
  EXPECT_EQ(stopped.value->stop_reason, "session_ended");
  EXPECT_TRUE(stopped.value->finished);
}

}  // namespace
}  // namespace umbra::router
