// The SFU's side of SDP offer/answer (RFC 8829 JSEP, RFC 3264). The SFU is ICE-lite (RFC 8445 2.5) with
// one host candidate, always the DTLS server, and bundles everything on one transport:
//  - a publishing browser sends an offer; answer_publish_offer() accepts its audio/video sections
//    recvonly with the codecs we forward (Opus; VP8 with RTX; H.264 packetization-mode=1 with RTX),
//    keeps simulcast (rids) and rejects everything else (data channels, unknown media);
//  - for a subscriber the SFU makes the offer: build_subscribe_offer() lists sendonly sections with our
//    SSRCs (and their RTX pairs), setup actpass so the browser answers active.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/hash.h"
#include "rtc/sdp/parser.h"
#include "rtc/sdp/session_description.h"

namespace umbra::rtc::sdp {

// What our side puts in every m-section, and the o= line identity.
struct LocalEndpoint {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string fingerprint_sha256;  // "AB:CD:...", from DtlsContext::fingerprint_sha256()
  std::string candidate_ip;        // the announced address (IPv4 or IPv6)
  std::uint16_t candidate_port = 0;
  std::uint64_t session_id = 1;
  std::uint64_t session_version = 1;
};

enum class VideoCodec { kVp8, kH264 };

struct PublishPolicy {
  // In order of preference. An E2EE session allows VP8 only (DESIGN.md 4.7).
  std::vector<VideoCodec> video_codecs{VideoCodec::kVp8, VideoCodec::kH264};
  // RTCP feedback and header extensions we are willing to receive; others are dropped from the answer.
  std::vector<std::string> rtcp_feedback{"nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"};
  std::vector<std::string> header_extensions{
      "urn:ietf:params:rtp-hdrext:sdes:mid",
      "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
      "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
      "urn:3gpp:video-orientation",
      "urn:ietf:params:rtp-hdrext:toffset",
  };
};

// Errors are for offers we cannot answer at all (no BUNDLE, setup passive, no ICE credentials...);
// individual sections we cannot use are rejected (port 0) in the answer instead.
Result<SessionDescription, SdpError> answer_publish_offer(const SessionDescription& offer,
                                                          const LocalEndpoint& local,
                                                          const PublishPolicy& policy = {});

// One track the SFU sends to a subscriber.
struct OutgoingTrack {
  std::string mid;
  std::string kind;  // "audio" or "video"
  Codec codec;
  std::optional<Codec> rtx;  // its apt must be codec.payload_type
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtx_ssrc;
  std::string cname;
  std::string stream_id;
  std::string track_id;
  std::vector<Extmap> extmaps;
  // A track that stopped keeps its m-section (RFC 8829 5.2.2: sections are never removed) as inactive.
  bool active = true;
};

SessionDescription build_subscribe_offer(const std::vector<OutgoingTrack>& tracks,
                                         const LocalEndpoint& local);

// Codecs and header extensions as Chromium names them, for building subscribe offers.
Codec opus_codec(int payload_type = 111);
Codec vp8_codec(int payload_type = 96);
Codec h264_codec(int payload_type = 102);
Codec rtx_codec(int payload_type, int apt);
std::vector<Extmap> default_audio_extmaps();
std::vector<Extmap> default_video_extmaps();

// The peer's transport parameters (shared by all bundled sections), to configure ICE and DTLS.
struct RemoteTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  crypto::Hash fingerprint_hash = crypto::Hash::kSha256;
  Bytes fingerprint;
  Setup setup = Setup::kActpass;
};
Result<RemoteTransport, SdpError> remote_transport(const SessionDescription& sdp);

}  // namespace umbra::rtc::sdp
