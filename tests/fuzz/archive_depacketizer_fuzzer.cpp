// Recording input fuzzer: arbitrary RTP packets, in any order and with any timing, through the
// archive's jitter buffer and both depacketizers (everything StreamRecorder does before the file).
// Nothing may crash, a VP8 frame is never larger than the cap, and every packet the buffer takes
// comes out exactly once (or is counted as discarded when the sequence numbers jump).
//
// Input: records of [time step in ms: 1][length: 2, big-endian][packet bytes: length].
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "archive/jitter_buffer.h"
#include "archive/opus_depacketizer.h"
#include "archive/vp8_depacketizer.h"
#include "common/byte_reader.h"
#include "rtc/rtp/packet.h"

using namespace umbra;
using namespace umbra::archive;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Sink {
  Vp8Depacketizer vp8;
  OpusDepacketizer opus;
  std::uint64_t released = 0;

  void take(ReleasedPacket released_packet) {
    ++released;
    auto packet = rtc::rtp::RtpPacket::parse(released_packet.bytes);
    if (!packet) return;
    if (auto frame = vp8.push(*packet, released_packet.lost_before > 0)) {
      check(frame->data.size() <= Vp8Depacketizer::kMaxFrameSize);
      if (frame->key_frame) check(vp8_key_frame_size(frame->data).has_value());
    }
    if (auto frame = opus.push(*packet)) {
      check(!frame->data.empty());
      check(opus_packet_samples(frame->data) >= 0);
      const int channels = opus_channels(frame->data);
      check(channels == 1 || channels == 2);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteReader reader(ByteSpan(data, size));
  JitterBuffer buffer({.max_packets = 32,
                       .max_delay = std::chrono::milliseconds(60),
                       .start_delay = std::chrono::milliseconds(10)});
  Sink sink;
  TimePoint now{};
  std::uint64_t taken = 0;
  while (!reader.empty()) {
    const auto step = reader.u8();
    const auto length = reader.u16();
    if (!step || !length) break;
    const auto bytes = reader.bytes(std::min<std::size_t>(*length, reader.remaining()));
    if (!bytes) break;
    now += std::chrono::milliseconds(*step);
    Bytes copy(bytes->begin(), bytes->end());
    auto packet = rtc::rtp::RtpPacket::parse(copy);
    if (!packet) continue;
    const auto before = buffer.stats();
    buffer.push(packet->sequence_number(), copy, now);
    const auto& after = buffer.stats();
    if (after.late == before.late && after.duplicates == before.duplicates) ++taken;
    while (auto released = buffer.pop(now)) sink.take(std::move(*released));
  }
  while (auto released = buffer.drain()) sink.take(std::move(*released));
  check(sink.released + buffer.stats().discarded == taken);
  check(buffer.size() == 0);
  return 0;
}
