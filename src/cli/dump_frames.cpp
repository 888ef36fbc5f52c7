#include "cli/dump_frames.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "e2ee/frame.h"
#include "e2ee/key_ring.h"
#include "e2ee/kid.h"
#include "rtc/rtp/packet.h"
#include "rtc/rtp/vp8_descriptor.h"
#include "sframe/sframe.h"

namespace umbra::cli {

namespace {

// No real-time VP8 frame comes near this; a stream that never sets the marker bit stops here.
constexpr std::size_t kMaxFrameSize = std::size_t{4} * 1024 * 1024;
// Opus frame durations are multiples of 2.5 ms (RFC 6716 section 2.1.4): 120 ticks of the 48 kHz
// RTP clock (RFC 7587 section 4.1).
constexpr std::uint32_t kOpusTickGranule = 120;

struct Packet {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint32_t timestamp = 0;
  Bytes payload;  // without padding
};

struct Stream {
  std::map<std::int64_t, Packet> packets;  // by extended sequence number; a duplicate is kept once
  std::int64_t last_seq = 0;
  std::map<std::uint8_t, std::size_t> payload_types;
};

struct Frame {
  Bytes data;
  bool key_frame = false;
  std::uint32_t timestamp = 0;
};

struct Assembly {
  std::vector<Frame> frames;
  std::size_t incomplete = 0;
  std::size_t packets_in_frames = 0;
};

// RFC 5761 section 4: with RTP and RTCP on one port, RTCP packet types 192..223 sit where an RTP
// packet has its marker bit and payload type.
bool is_rtcp(ByteSpan datagram) {
  return datagram.size() >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
}

std::int64_t extend_sequence(const Stream& stream, std::uint16_t seq) {
  if (stream.packets.empty()) return seq;
  const auto last = static_cast<std::uint16_t>(stream.last_seq & 0xFFFF);
  const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(seq - last));
  return stream.last_seq + delta;
}

// RFC 7741 section 4: a frame is the packets of one timestamp from the one with S=1, PID=0 to the
// one with the marker bit, with no sequence number missing in between.
Assembly assemble_vp8(const Stream& stream) {
  Assembly out;
  Frame partial;
  std::size_t partial_packets = 0;
  bool assembling = false;
  std::int64_t previous = 0;
  const auto drop = [&] {
    if (assembling) ++out.incomplete;
    assembling = false;
  };
  for (const auto& [seq, packet] : stream.packets) {
    const bool contiguous = assembling && seq == previous + 1;
    previous = seq;
    if (packet.payload.empty()) {  // padding only; never inside a frame
      drop();
      continue;
    }
    const auto descriptor = rtc::rtp::parse_vp8_descriptor(packet.payload);
    if (!descriptor) {
      drop();
      continue;
    }
    const ByteSpan body = ByteSpan(packet.payload).subspan(descriptor->size);
    if (descriptor->starts_frame()) {
      drop();
      assembling = true;
      partial = Frame{{}, descriptor->key_frame, packet.timestamp};
      partial_packets = 0;
    } else if (!contiguous || packet.timestamp != partial.timestamp) {
      drop();
      continue;
    }
    if (partial.data.size() + body.size() > kMaxFrameSize) {
      drop();
      continue;
    }
    partial.data.insert(partial.data.end(), body.begin(), body.end());
    ++partial_packets;
    if (packet.marker) {
      out.frames.push_back(std::move(partial));
      out.packets_in_frames += partial_packets;
      partial = Frame{};
      assembling = false;
    }
  }
  drop();  // a dump that ends in the middle of a frame
  return out;
}

struct Vp8Tag {
  bool key_frame = false;
  std::uint16_t width = 0;
  std::uint16_t height = 0;
};

// RFC 6386 section 9.1: the 3-byte frame tag (P bit, version, show_frame, first partition size)
// and, on a key frame, the start code 9d 01 2a and the 14-bit width and height. nullopt when the
// header is not that of a well-formed frame of this length.
std::optional<Vp8Tag> parse_vp8_tag(ByteSpan frame) {
  if (frame.size() < e2ee::kVp8DeltaFramePrefix) return std::nullopt;
  const std::uint32_t tag = frame[0] | (std::uint32_t{frame[1]} << 8) | (std::uint32_t{frame[2]} << 16);
  Vp8Tag out;
  out.key_frame = (tag & 1) == 0;
  const std::uint32_t version = (tag >> 1) & 7;
  const std::uint32_t first_partition = tag >> 5;
  const std::size_t header = out.key_frame ? e2ee::kVp8KeyFramePrefix : e2ee::kVp8DeltaFramePrefix;
  if (version > 3 || frame.size() < header || first_partition == 0 ||
      first_partition > frame.size() - header) {
    return std::nullopt;
  }
  if (out.key_frame) {
    if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a) return std::nullopt;
    out.width = static_cast<std::uint16_t>((frame[6] | (frame[7] << 8)) & 0x3FFF);
    out.height = static_cast<std::uint16_t>((frame[8] | (frame[9] << 8)) & 0x3FFF);
    if (out.width == 0 || out.height == 0) return std::nullopt;
  }
  return out;
}

struct WireId {
  std::uint64_t kid = 0;
  std::uint64_t ctr = 0;
};

// The SFrame header of a frame that has the shape of an umbra-e2ee-v1 wire frame: the clear
// prefix, a header in its one valid encoding whose KID carries a key check (section 4.4: the top
// 16 bits, so at least 7 bytes of KID), and at least a tag after it.
std::optional<WireId> wire_id(e2ee::Codec codec, ByteSpan frame) {
  const auto layout = e2ee::parse_wire(codec, frame);
  if (!layout || layout->header.kid <= e2ee::kSenderMask) return std::nullopt;
  const std::size_t needed =
      layout->prefix_size + sframe::encoded_size(layout->header) + sframe::tag_size(e2ee::kCipherSuite);
  if (frame.size() < needed) return std::nullopt;
  return WireId{layout->header.kid, layout->header.ctr};
}

// Almost any bytes parse as some SFrame header, and the first bytes of similar plain frames repeat,
// so one header proves little. What a sender does (section 4.6) does: consecutive frames of a
// stream carry one KID and a counter that only grows. A frame counts as sealed when it chains so
// to the frame before or after it.
void classify(std::span<const Frame> frames, e2ee::Codec codec, StreamReport& report) {
  std::vector<std::optional<WireId>> ids;
  ids.reserve(frames.size());
  for (const Frame& frame : frames) ids.push_back(wire_id(codec, frame.data));
  const auto chained = [&](std::size_t earlier, std::size_t later) {
    return ids[earlier] && ids[later] && ids[earlier]->kid == ids[later]->kid &&
           ids[earlier]->ctr < ids[later]->ctr;
  };
  std::set<std::uint64_t> kids;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const bool sealed = (i > 0 && chained(i - 1, i)) || (i + 1 < frames.size() && chained(i, i + 1));
    if (sealed) {
      ++report.sframe;
      kids.insert(ids[i]->kid);
    }
    if (codec != e2ee::Codec::kVp8) continue;
    const auto tag = parse_vp8_tag(frames[i].data);
    if (!tag) continue;
    if (tag->key_frame && !report.width) {
      report.width = tag->width;
      report.height = tag->height;
    }
    if (sealed) continue;
    ++report.plain_vp8;
    if (tag->key_frame) ++report.plain_key_frames;
  }
  report.kids = kids.size();
}

// The receive path of a participant (key check, lazily derived sender key, replay window), one
// ring per stream since each stream's counters only increase.
void open_frames(std::span<const Frame> frames, e2ee::Codec codec, const e2ee::SessionSecret& secret,
                 StreamReport& report) {
  e2ee::KeyRing ring("");
  ring.set_session_secret(secret, e2ee::TimePoint{});
  report.tried_open = true;
  Bytes out;
  for (const Frame& frame : frames) {
    out.resize(frame.data.size());
    if (ring.open(codec, frame.data, out, e2ee::TimePoint{})) {
      ++report.opened;
    } else {
      ++report.failed;
    }
  }
}

bool looks_vp8(const Assembly& assembly, std::size_t media_packets) {
  if (assembly.frames.empty() || assembly.packets_in_frames * 2 < media_packets) return false;
  const auto consistent = std::count_if(assembly.frames.begin(), assembly.frames.end(),
                                        [](const Frame& f) { return parse_vp8_tag(f.data).has_value(); });
  return static_cast<std::size_t>(consistent) * 2 >= assembly.frames.size();
}

// One Opus packet per RTP packet and a 48 kHz clock: consecutive packets advance the timestamp by
// whole 2.5 ms steps, never share one.
bool looks_opus(const Stream& stream) {
  std::size_t pairs = 0;
  std::size_t fitting = 0;
  const Packet* previous = nullptr;
  std::int64_t previous_seq = 0;
  for (const auto& [seq, packet] : stream.packets) {
    if (packet.payload.empty()) continue;
    if (previous != nullptr && seq == previous_seq + 1) {
      ++pairs;
      const std::uint32_t delta = packet.timestamp - previous->timestamp;
      if (delta != 0 && delta < 0x80000000u && delta % kOpusTickGranule == 0) ++fitting;
    }
    previous = &packet;
    previous_seq = seq;
  }
  return pairs > 0 && fitting * 10 >= pairs * 9;
}

StreamReport report_stream(std::uint32_t ssrc, const Stream& stream, const DumpOptions& options) {
  StreamReport report;
  report.ssrc = ssrc;
  report.packets = stream.packets.size();
  report.payload_type = std::max_element(stream.payload_types.begin(), stream.payload_types.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; })
                            ->first;
  const std::size_t media_packets =
      static_cast<std::size_t>(std::count_if(stream.packets.begin(), stream.packets.end(),
                                             [](const auto& kv) { return !kv.second.payload.empty(); }));

  std::optional<e2ee::Codec> codec;
  Assembly assembly;
  if (!options.payload_types.empty()) {
    for (const PayloadTypeHint& hint : options.payload_types) {
      if (hint.payload_type == report.payload_type) codec = hint.codec;
    }
    if (codec == e2ee::Codec::kVp8) assembly = assemble_vp8(stream);
  } else {
    assembly = assemble_vp8(stream);
    if (looks_vp8(assembly, media_packets)) {
      codec = e2ee::Codec::kVp8;
    } else if (looks_opus(stream)) {
      codec = e2ee::Codec::kOpus;
    }
  }
  if (!codec) return report;

  if (*codec == e2ee::Codec::kOpus) {
    // RFC 7587 section 4.2: each packet is one whole Opus frame; padding-only packets carry none.
    assembly = Assembly{};
    for (const auto& [seq, packet] : stream.packets) {
      if (!packet.payload.empty()) assembly.frames.push_back(Frame{packet.payload, false, packet.timestamp});
    }
  }
  report.kind = *codec == e2ee::Codec::kVp8 ? StreamKind::kVideo : StreamKind::kAudio;
  report.frames = assembly.frames.size();
  report.incomplete = assembly.incomplete;
  report.key_frames = static_cast<std::size_t>(std::count_if(assembly.frames.begin(), assembly.frames.end(),
                                                             [](const Frame& f) { return f.key_frame; }));
  classify(assembly.frames, *codec, report);
  if (options.secret) open_frames(assembly.frames, *codec, *options.secret, report);
  return report;
}

}  // namespace

DumpReport analyze_dump(std::span<const ByteSpan> udp_payloads, const DumpOptions& options) {
  DumpReport out;
  std::map<std::uint32_t, Stream> streams;
  Bytes scratch;
  for (const ByteSpan datagram : udp_payloads) {
    if (is_rtcp(datagram)) {
      ++out.not_rtp;
      continue;
    }
    scratch.assign(datagram.begin(), datagram.end());
    const auto rtp = rtc::rtp::RtpPacket::parse(scratch);
    if (!rtp) {
      ++out.not_rtp;
      continue;
    }
    ++out.rtp_packets;
    Stream& stream = streams[rtp->ssrc()];
    const std::int64_t seq = extend_sequence(stream, rtp->sequence_number());
    stream.last_seq = seq;
    ++stream.payload_types[rtp->payload_type()];
    const ByteSpan payload = rtp->payload();
    stream.packets.try_emplace(seq, Packet{rtp->payload_type(), rtp->marker(), rtp->timestamp(),
                                           Bytes(payload.begin(), payload.end())});
  }
  for (const auto& [ssrc, stream] : streams) out.streams.push_back(report_stream(ssrc, stream, options));
  return out;
}

}  // namespace umbra::cli
