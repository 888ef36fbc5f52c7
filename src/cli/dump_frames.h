// What the router sees of each stream in an RTP dump: frames reassembled from the packets of one
// SSRC, classified as plain VP8 or as umbra-e2ee-v1 wire frames (DESIGN.md section 4.8), and,
// given the session's secret, opened with the same receive path a participant uses. This is the
// check behind "the router forwards what it cannot read" (docs/security.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "e2ee/clear_prefix.h"
#include "e2ee/session_secret.h"

namespace umbra::cli {

enum class StreamKind { kVideo, kAudio, kUnknown };

// --payload-type PT[=vp8|opus]: the codec of a payload type, instead of guessing.
struct PayloadTypeHint {
  std::uint8_t payload_type = 0;
  e2ee::Codec codec = e2ee::Codec::kVp8;
};

struct DumpOptions {
  // When non-empty, only these payload types are analysed; otherwise each stream's codec is
  // detected from its packets.
  std::vector<PayloadTypeHint> payload_types;
  std::optional<e2ee::SessionSecret> secret;  // with it, frames are opened
};

struct StreamReport {
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 0;
  StreamKind kind = StreamKind::kUnknown;
  std::size_t packets = 0;     // distinct RTP packets (duplicates counted once)
  std::size_t frames = 0;      // complete frames: video reassembled without a gap; audio one per packet
  std::size_t incomplete = 0;  // video frames started but missing packets
  std::size_t key_frames = 0;  // video: the VP8 P bit, which stays clear under E2EE (section 4.7)
  // Video frames whose VP8 payload header is consistent and which are not umbra-e2ee-v1 frames.
  std::size_t plain_vp8 = 0;
  std::size_t plain_key_frames = 0;
  // Frames with an SFrame header after the clear prefix (a KID with a key check, room for the
  // tag) that chains to a neighbouring frame: the same KID and a growing counter (section 4.6).
  // A heuristic for captures without the secret; opened/failed are the proof.
  std::size_t sframe = 0;
  std::size_t kids = 0;  // distinct KIDs among those frames
  // The dimensions in the first key frame's header (clear on the wire even under E2EE).
  std::optional<std::uint16_t> width;
  std::optional<std::uint16_t> height;
  bool tried_open = false;  // a secret was given and the stream is audio or video
  std::size_t opened = 0;
  std::size_t failed = 0;
};

// Groups packets (UDP payloads) by SSRC and reports on each stream, ordered by SSRC. Payloads that
// are not RTP (wrong version, RTCP, too short) are counted in not_rtp.
struct DumpReport {
  std::vector<StreamReport> streams;
  std::size_t rtp_packets = 0;
  std::size_t not_rtp = 0;
};
DumpReport analyze_dump(std::span<const ByteSpan> udp_payloads, const DumpOptions& options);

}  // namespace umbra::cli
