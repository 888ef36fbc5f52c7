// What a room tells a recording of it: which producers it has (a track each), their decrypted
// RTP, and when they leave. Called on the room's worker thread; an implementation must not block
// (RecordingPipeline copies the packet and hands it to the recording thread). A room with no tap
// does no recording work at all on its packet path.
#pragma once

#include <cstdint>
#include <string>

#include "archive/encoded_frame.h"
#include "router/clock.h"
#include "rtc/rtp/packet.h"

namespace umbra::router {

class RecordingTap {
 public:
  virtual ~RecordingTap() = default;

  virtual const std::string& archive_id() const = 0;
  // `track` is the room's number for the producer, unique within the room.
  virtual void track_added(std::uint64_t track, const std::string& producer_id, const std::string& stream_id,
                           archive::MediaKind kind) = 0;
  // A media packet as the publisher sent it (RTX already unwrapped to the original sequence number).
  virtual void packet(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint now) = 0;
  virtual void track_ended(std::uint64_t track) = 0;
};

}  // namespace umbra::router
