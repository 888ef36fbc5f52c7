// Opus frames out of RTP (RFC 7587 section 4.2): one packet carries exactly one Opus packet, so
// there is nothing to reassemble and a loss costs only the lost 20 ms. Every frame decodes on its
// own; the recording just has a gap in its timestamps where packets were lost.
#pragma once

#include <optional>

#include "archive/encoded_frame.h"
#include "rtc/rtp/packet.h"

namespace umbra::archive {

class OpusDepacketizer {
 public:
  // nullopt for an empty payload (a keep-alive or padding-only packet carries no audio).
  std::optional<EncodedFrame> push(const rtc::rtp::RtpPacket& packet);
};

// Channel count announced in the first byte of an Opus packet (RFC 6716 section 3.1, the "s" bit
// of the TOC byte). The track header of the file needs it before any audio is decoded.
int opus_channels(ByteSpan frame);

// Samples at 48 kHz in one Opus packet, from its TOC byte and frame count (RFC 6716 section 3.1
// and 3.2); 0 when the packet is too short to say. The muxer uses it as the block duration, so
// the file's duration includes its last packet.
int opus_packet_samples(ByteSpan frame);

}  // namespace umbra::archive
