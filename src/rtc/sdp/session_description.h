// The parts of SDP (RFC 8866) that WebRTC uses (RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 8853 simulcast),
// as plain data: what a browser offer says and what our answers and offers say. parse() in parser.h
// reads it, to_string() writes it in the attribute order Chromium itself emits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace umbra::rtc::sdp {

enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };
// a=setup (RFC 4145 4, RFC 5763 5): who starts DTLS. active = DTLS client, passive = DTLS server.
enum class Setup { kActpass, kActive, kPassive, kHoldconn };

std::string_view to_string(Direction d);
std::string_view to_string(Setup s);

struct Fingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // "AB:CD:..."
};

// a=extmap (RFC 8285 5).
struct Extmap {
  int id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
};

// One payload type: a=rtpmap, a=fmtp and a=rtcp-fb lines for it (RFC 8866 6.6, 6.15; RFC 4585 4.2).
struct Codec {
  int payload_type = 0;
  std::string name;  // "opus", "VP8", "H264", "rtx" (as written; compare case-insensitively)
  std::uint32_t clock_rate = 0;
  std::optional<int> channels;
  std::string fmtp;  // "minptime=10;useinbandfec=1"
  std::vector<std::string> rtcp_fb;

  // Value of `key` in fmtp's semicolon-separated key=value list.
  std::optional<std::string> fmtp_value(std::string_view key) const;
  // For RTX (RFC 4588 8.1): the payload type it repairs.
  std::optional<int> apt() const;
  bool is(std::string_view codec_name) const;  // case-insensitive name match
};

// a=ssrc lines (RFC 5576 4.1) for one SSRC, with the attributes WebRTC uses.
struct SsrcInfo {
  std::uint32_t ssrc = 0;
  std::string cname;
  std::string msid;  // "<stream id> <track id>"
};

struct SsrcGroup {
  std::string semantics;  // "FID" (RFC 5576 4.2, RTX pairs), "SIM"
  std::vector<std::uint32_t> ssrcs;
};

// a=rid (RFC 8851 10).
struct Rid {
  std::string id;
  bool send = true;  // "send" or "recv"
  std::string params;
};

// a=simulcast (RFC 8853 5.1): streams in order, each a list of alternative rids, "~" = paused.
struct SimulcastRid {
  std::string rid;
  bool paused = false;
};
using SimulcastStream = std::vector<SimulcastRid>;
struct Simulcast {
  std::vector<SimulcastStream> send;
  std::vector<SimulcastStream> recv;
};

struct MediaDescription {
  std::string kind;  // "audio", "video", "application"
  std::uint16_t port = 9;
  std::string protocol = "UDP/TLS/RTP/SAVPF";
  std::vector<std::string> formats;  // payload types as text, or "webrtc-datachannel"
  std::string connection = "IN IP4 0.0.0.0";
  std::vector<std::string> bandwidths;  // b= values, e.g. "AS:2000"

  std::string mid;
  Direction direction = Direction::kSendRecv;
  std::string rtcp;  // a=rtcp value (RFC 3605), e.g. "9 IN IP4 0.0.0.0"
  bool rtcp_mux = false;
  bool rtcp_mux_only = false;
  bool rtcp_rsize = false;

  std::string ice_ufrag;
  std::string ice_pwd;
  std::string ice_options;
  std::optional<Fingerprint> fingerprint;
  std::optional<Setup> setup;
  std::vector<std::string> candidates;  // a=candidate values
  bool end_of_candidates = false;

  bool extmap_allow_mixed = false;
  std::vector<Extmap> extmaps;
  std::vector<Codec> codecs;  // in m= line order
  std::vector<std::string> msids;
  std::vector<SsrcInfo> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;

  std::optional<std::uint16_t> sctp_port;
  std::optional<std::uint32_t> max_message_size;

  // Attributes we do not interpret, kept in order: (name, value).
  std::vector<std::pair<std::string, std::string>> other_attributes;

  bool rejected() const { return port == 0; }
  const Codec* find_codec(int payload_type) const;
  // The RTX payload type whose apt is `payload_type`, if any.
  const Codec* find_rtx_for(int payload_type) const;
  // The SSRC paired with `primary` in an FID group (its RTX stream), if any.
  std::optional<std::uint32_t> rtx_ssrc_for(std::uint32_t primary) const;
};

struct Group {
  std::string semantics;  // "BUNDLE"
  std::vector<std::string> mids;
};

struct SessionDescription {
  std::string origin_username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 2;
  std::string origin_address = "IN IP4 127.0.0.1";
  std::string session_name = "-";
  std::string timing = "0 0";
  std::optional<std::string> connection;

  bool ice_lite = false;
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string ice_options;
  std::optional<Fingerprint> fingerprint;
  std::optional<Setup> setup;
  std::vector<Group> groups;
  std::optional<std::string> msid_semantic;  // value after "a=msid-semantic:", e.g. " WMS"
  bool extmap_allow_mixed = false;
  std::vector<std::pair<std::string, std::string>> other_attributes;

  std::vector<MediaDescription> media;

  // The mids of the first BUNDLE group (RFC 8843), empty if there is none.
  const std::vector<std::string>* bundle() const;

  // Session-level values apply to every media section that does not override them (RFC 8866 5).
  std::string ice_ufrag_for(const MediaDescription& m) const;
  std::string ice_pwd_for(const MediaDescription& m) const;
  std::optional<Fingerprint> fingerprint_for(const MediaDescription& m) const;
  std::optional<Setup> setup_for(const MediaDescription& m) const;
};

// SDP text with CRLF line endings (RFC 8866 5).
std::string to_string(const SessionDescription& sdp);

}  // namespace umbra::rtc::sdp
