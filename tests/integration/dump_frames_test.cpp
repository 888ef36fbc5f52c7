// "What the router sees" (issue 5): a capture in the router's --rtp-dump format holding an E2EE
// VP8 stream, an E2EE Opus stream and a plain VP8 stream, read back by the real `umbra dump frames`.
// Under the session's secret every complete E2EE frame opens; under another secret (or another
// session id) none does; without a secret the E2EE stream has no plain VP8 frame while the plain
// stream is all plain VP8. Malformed captures are refused with exit status 1.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "e2ee/frame.h"
#include "e2ee/kid.h"
#include "e2ee/session_secret.h"
#include "router/pcap_writer.h"
#include "sframe/sframe.h"

extern char** environ;

namespace {

using namespace umbra;

constexpr std::string_view kSecret = "correct horse battery staple";
constexpr std::string_view kOtherSecret = "incorrect horse battery staple";
constexpr std::string_view kSession = "dump-proof-session";

constexpr std::uint32_t kE2eeVideoSsrc = 0x11111111;
constexpr std::uint32_t kE2eeAudioSsrc = 0x22222222;
constexpr std::uint32_t kPlainVideoSsrc = 0x33333333;
constexpr std::uint8_t kVp8Pt = 96;
constexpr std::uint8_t kOpusPt = 111;
constexpr int kVideoFrames = 30;  // key frames at 0 and 15
constexpr int kAudioFrames = 50;
constexpr int kLostFrame = 7;  // one packet of this E2EE video frame never reaches the router
constexpr std::size_t kMaxPayloadChunk = 500;

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Outcome umbra_cli(std::vector<std::string> args) {
  const std::string dir = ::testing::TempDir();
  const std::string out_path = dir + "umbra_dump_out_" + std::to_string(getpid());
  const std::string err_path = dir + "umbra_dump_err_" + std::to_string(getpid());
  args.insert(args.begin(), UMBRA_CLI_PATH);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  Outcome run;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  run.out = slurp(out_path);
  run.err = slurp(err_path);
  (void)std::remove(out_path.c_str());
  (void)std::remove(err_path.c_str());
  return run;
}

// Deterministic filler standing in for entropy-coded VP8 partitions and Opus frames.
void fill(Bytes& bytes, std::size_t from, std::uint32_t seed) {
  std::uint32_t x = seed * 2654435761u + 1;
  for (std::size_t i = from; i < bytes.size(); ++i) {
    x = x * 1664525u + 1013904223u;
    bytes[i] = static_cast<std::uint8_t>(x >> 24);
  }
}

// RFC 6386 section 9.1: frame tag (P bit, version 0, show_frame, first partition size) and, on a
// key frame, the start code and a 640x480 picture size.
Bytes vp8_frame(bool key_frame, std::size_t size, std::uint32_t seed) {
  Bytes frame(size);
  fill(frame, 0, seed);
  const std::size_t header = key_frame ? 10 : 3;
  const auto first_partition = static_cast<std::uint32_t>((size - header) / 3);
  const std::uint32_t tag = (key_frame ? 0u : 1u) | (1u << 4) | (first_partition << 5);
  frame[0] = static_cast<std::uint8_t>(tag);
  frame[1] = static_cast<std::uint8_t>(tag >> 8);
  frame[2] = static_cast<std::uint8_t>(tag >> 16);
  if (key_frame) {
    const std::uint8_t start[] = {0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};  // 640 x 480
    std::copy(std::begin(start), std::end(start), frame.begin() + 3);
  }
  return frame;
}

Bytes opus_frame(std::uint32_t seed) {
  Bytes frame(60 + seed % 40);
  fill(frame, 1, seed);
  frame[0] = 0x78;  // TOC: SILK+CELT wideband 20 ms, mono, one frame
  return frame;
}

struct RtpStream {
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 0;
  std::uint16_t seq = 0;
  std::uint32_t timestamp = 0;
  bool audio_level = false;  // RFC 6464 one-byte header extension, as Chromium sends with audio
};

Bytes rtp_packet(RtpStream& stream, bool marker, ByteSpan payload) {
  Bytes packet(12);
  packet[0] = stream.audio_level ? 0x90 : 0x80;
  packet[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | stream.payload_type);
  store_be16(packet.data() + 2, stream.seq++);
  store_be32(packet.data() + 4, stream.timestamp);
  store_be32(packet.data() + 8, stream.ssrc);
  if (stream.audio_level) {
    const std::uint8_t extension[] = {0xBE, 0xDE, 0x00, 0x01, 0x10, 0x2a, 0x00, 0x00};
    packet.insert(packet.end(), std::begin(extension), std::end(extension));
  }
  packet.insert(packet.end(), payload.begin(), payload.end());
  return packet;
}

// RFC 7741 section 4.2: X=1 with a 15-bit picture id; S=1 on the frame's first packet.
std::vector<Bytes> packetize_vp8(RtpStream& stream, ByteSpan frame, std::uint16_t picture_id) {
  std::vector<Bytes> packets;
  for (std::size_t offset = 0; offset < frame.size(); offset += kMaxPayloadChunk) {
    const std::size_t size = std::min(kMaxPayloadChunk, frame.size() - offset);
    Bytes payload = {static_cast<std::uint8_t>(offset == 0 ? 0x90 : 0x80), 0x80,
                     static_cast<std::uint8_t>(0x80 | (picture_id >> 8)),
                     static_cast<std::uint8_t>(picture_id)};
    payload.insert(payload.end(), frame.begin() + static_cast<std::ptrdiff_t>(offset),
                   frame.begin() + static_cast<std::ptrdiff_t>(offset + size));
    packets.push_back(rtp_packet(stream, offset + size == frame.size(), payload));
  }
  stream.timestamp += 3000;
  return packets;
}

Bytes seal(sframe::Context& ctx, std::uint64_t kid, e2ee::Codec codec, ByteSpan frame) {
  Bytes wire(frame.size() + e2ee::kMaxWireOverhead);
  const auto size = e2ee::seal_frame(ctx, kid, codec, frame, wire);
  EXPECT_TRUE(static_cast<bool>(size));
  wire.resize(size ? *size : 0);
  return wire;
}

class DumpFrames : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto secret = e2ee::SessionSecret::derive(kSecret, kSession);
    ASSERT_TRUE(static_cast<bool>(secret));
    const std::uint64_t video_kid = e2ee::make_kid(secret->key_check(), 0x123456789abc);
    const std::uint64_t audio_kid = e2ee::make_kid(secret->key_check(), 0x0fedcba98765);
    sframe::Context ctx(e2ee::kCipherSuite);
    ctx.add_key(video_kid, secret->base_key(video_kid));
    ctx.add_key(audio_kid, secret->base_key(audio_kid));

    // Sequence numbers start just before the wrap so reassembly must extend them.
    RtpStream e2ee_video{kE2eeVideoSsrc, kVp8Pt, 65520, 1000};
    RtpStream plain_video{kPlainVideoSsrc, kVp8Pt, 100, 5000};
    RtpStream e2ee_audio{kE2eeAudioSsrc, kOpusPt, 65530, 7000, true};

    Bytes file = router::pcap_global_header();
    std::uint64_t micros = 1'700'000'000'000'000;
    const router::PcapEndpoint client{{127, 0, 0, 1}, 50000};
    const router::PcapEndpoint server{{127, 0, 0, 1}, 40000};
    const auto record = [&](ByteSpan packet) {
      router::append_pcap_record(file, micros++, client, server, packet);
    };

    int audio_sent = 0;
    for (int i = 0; i < kVideoFrames; ++i) {
      const bool key_frame = i % 15 == 0;
      const Bytes frame = vp8_frame(key_frame, key_frame ? 2400 : 300 + static_cast<std::size_t>(i) * 61,
                                    static_cast<std::uint32_t>(i));
      const auto picture_id = static_cast<std::uint16_t>(i);

      std::vector<Bytes> sealed =
          packetize_vp8(e2ee_video, seal(ctx, video_kid, e2ee::Codec::kVp8, frame), picture_id);
      if (i == kLostFrame) {
        ASSERT_GE(sealed.size(), 2u);
        sealed.erase(sealed.begin() + 1);
      }
      if (i == 3 && sealed.size() >= 2) std::swap(sealed[0], sealed[1]);  // reordered in flight
      for (const Bytes& p : sealed) record(p);
      if (i == 4) record(sealed.back());  // a duplicate

      for (const Bytes& p : packetize_vp8(plain_video, frame, picture_id)) record(p);

      // Two 20 ms audio packets per 33 ms video frame, roughly.
      for (int a = 0; a < 2 && audio_sent < kAudioFrames; ++a, ++audio_sent) {
        const Bytes wire =
            seal(ctx, audio_kid, e2ee::Codec::kOpus, opus_frame(static_cast<std::uint32_t>(audio_sent)));
        record(rtp_packet(e2ee_audio, audio_sent == 0, wire));
        e2ee_audio.timestamp += 960;
      }
    }
    for (; audio_sent < kAudioFrames; ++audio_sent) {
      const Bytes wire =
          seal(ctx, audio_kid, e2ee::Codec::kOpus, opus_frame(static_cast<std::uint32_t>(audio_sent)));
      record(rtp_packet(e2ee_audio, false, wire));
      e2ee_audio.timestamp += 960;
    }
    // An RTCP receiver report on the same port is not RTP (RFC 5761 section 4).
    const std::uint8_t rtcp[] = {0x80, 201, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef};
    record(rtcp);

    capture_ = new Bytes(std::move(file));
    path_ = new std::string(::testing::TempDir() + "umbra_dump_" + std::to_string(getpid()) + ".pcap");
    write(*path_, *capture_);
  }

  static void TearDownTestSuite() {
    if (path_ != nullptr) (void)std::remove(path_->c_str());
    delete path_;
    delete capture_;
  }

  static void write(const std::string& path, ByteSpan bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }

  static nlohmann::json dump_json(std::vector<std::string> extra) {
    std::vector<std::string> args{"dump", "frames", "--pcap", *path_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Outcome run = umbra_cli(args);
    EXPECT_EQ(run.status, 0) << run.err;
    return nlohmann::json::parse(run.out);
  }

  static nlohmann::json stream(const nlohmann::json& report, std::uint32_t ssrc) {
    for (const auto& s : report.at("streams")) {
      if (s.at("ssrc").get<std::uint32_t>() == ssrc) return s;
    }
    ADD_FAILURE() << "no stream with ssrc " << ssrc << " in " << report.dump();
    return nlohmann::json::object();
  }

  static Bytes* capture_;
  static std::string* path_;
};

Bytes* DumpFrames::capture_ = nullptr;
std::string* DumpFrames::path_ = nullptr;

TEST_F(DumpFrames, EveryCompleteE2eeFrameOpensUnderTheSessionSecret) {
  const auto report = dump_json({"--secret", std::string(kSecret), "--session", std::string(kSession)});
  ASSERT_EQ(report.at("streams").size(), 3u);
  EXPECT_EQ(report.at("not_rtp"), 1);

  const auto video = stream(report, kE2eeVideoSsrc);
  EXPECT_EQ(video.at("kind"), "video");
  EXPECT_EQ(video.at("frames"), kVideoFrames - 1);
  EXPECT_EQ(video.at("incomplete"), 1);
  EXPECT_EQ(video.at("key_frames"), 2);
  EXPECT_EQ(video.at("opened"), kVideoFrames - 1);
  EXPECT_EQ(video.at("failed"), 0);

  const auto audio = stream(report, kE2eeAudioSsrc);
  EXPECT_EQ(audio.at("kind"), "audio");
  EXPECT_EQ(audio.at("frames"), kAudioFrames);
  EXPECT_EQ(audio.at("opened"), kAudioFrames);
  EXPECT_EQ(audio.at("failed"), 0);

  const auto plain = stream(report, kPlainVideoSsrc);
  EXPECT_EQ(plain.at("frames"), kVideoFrames);
  EXPECT_EQ(plain.at("opened"), 0);
  EXPECT_EQ(plain.at("failed"), kVideoFrames);
}

TEST_F(DumpFrames, NoFrameOpensUnderAnotherSecret) {
  const auto report = dump_json({"--secret", std::string(kOtherSecret), "--session", std::string(kSession)});
  EXPECT_EQ(stream(report, kE2eeVideoSsrc).at("opened"), 0);
  EXPECT_EQ(stream(report, kE2eeVideoSsrc).at("failed"), kVideoFrames - 1);
  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("opened"), 0);
  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("failed"), kAudioFrames);
}

TEST_F(DumpFrames, NoFrameOpensUnderTheSameSecretInAnotherSession) {
  const auto report = dump_json({"--secret", std::string(kSecret), "--session", "another-session"});
  EXPECT_EQ(stream(report, kE2eeVideoSsrc).at("opened"), 0);
  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("opened"), 0);
}

TEST_F(DumpFrames, WithoutASecretTheE2eeStreamHasNoPlainVp8AndThePlainStreamIsAllPlain) {
  const auto report = dump_json({});
  const auto video = stream(report, kE2eeVideoSsrc);
  EXPECT_EQ(video.at("plain_vp8"), 0);
  EXPECT_EQ(video.at("plain_key_frames"), 0);
  EXPECT_EQ(video.at("sframe"), kVideoFrames - 1);
  EXPECT_EQ(video.at("kids"), 1);
  EXPECT_TRUE(video.at("opened").is_null());
  // What the clear prefix leaves visible to the router (docs/security.md): frame type and size.
  EXPECT_EQ(video.at("key_frames"), 2);
  EXPECT_EQ(video.at("width"), 640);
  EXPECT_EQ(video.at("height"), 480);

  const auto plain = stream(report, kPlainVideoSsrc);
  EXPECT_EQ(plain.at("kind"), "video");
  EXPECT_EQ(plain.at("plain_vp8"), kVideoFrames);
  EXPECT_EQ(plain.at("plain_key_frames"), 2);
  EXPECT_EQ(plain.at("sframe"), 0);

  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("sframe"), kAudioFrames);
}

TEST_F(DumpFrames, PayloadTypesGivenOnTheCommandLineGiveTheSameCounts) {
  const auto report = dump_json({"--payload-type", "96", "--payload-type=111=opus"});
  EXPECT_EQ(stream(report, kE2eeVideoSsrc).at("sframe"), kVideoFrames - 1);
  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("kind"), "audio");
  EXPECT_EQ(stream(report, kE2eeAudioSsrc).at("sframe"), kAudioFrames);
  EXPECT_EQ(stream(report, kPlainVideoSsrc).at("plain_vp8"), kVideoFrames);

  const auto video_only = dump_json({"--payload-type", "96"});
  EXPECT_EQ(stream(video_only, kE2eeAudioSsrc).at("kind"), "unknown");
}

TEST_F(DumpFrames, TextOutputHasOneGreppableLinePerStream) {
  const Outcome run = umbra_cli({"dump", "frames", "--pcap", *path_, "--secret", std::string(kSecret),
                                 "--session", std::string(kSession)});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("ssrc=0x11111111 pt=96 kind=video packets="), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("key_size=640x480 opened=29 failed=0\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ssrc=0x22222222 pt=111 kind=audio packets=50 frames=50"), std::string::npos)
      << run.out;
}

TEST_F(DumpFrames, GarbageIsNotAPcapFile) {
  const std::string path = *path_ + ".garbage";
  write(path, as_bytes("this is not a capture at all, just some text"));
  const Outcome run = umbra_cli({"dump", "frames", "--pcap", path});
  (void)std::remove(path.c_str());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("not a pcap file"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST_F(DumpFrames, ACaptureCutInsideARecordIsRefusedUnlessAllowed) {
  const std::string path = *path_ + ".cut";
  write(path, ByteSpan(*capture_).first(capture_->size() / 2));
  const Outcome run = umbra_cli({"dump", "frames", "--pcap", path});
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("pcap truncated"), std::string::npos) << run.err;

  const Outcome allowed = umbra_cli({"dump", "frames", "--pcap", path, "--allow-truncated", "--json"});
  (void)std::remove(path.c_str());
  ASSERT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_EQ(nlohmann::json::parse(allowed.out).at("truncated"), true);
}

TEST_F(DumpFrames, ARecordLengthBeyondTheFileIsRefused) {
  Bytes corrupt = *capture_;
  // The first record's captured length (little-endian, right after the 24-byte file header).
  store_be32(corrupt.data() + router::kPcapGlobalHeaderSize + 8, 0xffffff7f);
  const std::string path = *path_ + ".corrupt";
  write(path, corrupt);
  const Outcome run = umbra_cli({"dump", "frames", "--pcap", path});
  (void)std::remove(path.c_str());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("corrupt pcap: record 1"), std::string::npos) << run.err;
}

TEST_F(DumpFrames, ASecretWithoutItsSessionIsRefused) {
  const Outcome run = umbra_cli({"dump", "frames", "--pcap", *path_, "--secret", std::string(kSecret)});
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("--secret and --session go together"), std::string::npos) << run.err;
}

}  // namespace
