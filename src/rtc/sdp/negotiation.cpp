#include "rtc/sdp/negotiation.h"

#include <algorithm>

#include "crypto/certificate.h"

namespace umbra::rtc::sdp {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string connection_for(const std::string& ip) {
  return ip.find(':') != std::string::npos ? "IN IP6 " + ip : "IN IP4 " + ip;
}

// RFC 8839 5.1 / RFC 8445 5.1.2.1: a host candidate with type preference 126, local preference 65535,
// component 1 (rtcp-mux, so there is no component 2).
std::string host_candidate(const LocalEndpoint& local) {
  constexpr std::uint32_t kPriority = (126u << 24) | (65535u << 8) | (256u - 1u);
  return "1 1 udp " + std::to_string(kPriority) + " " + local.candidate_ip + " " +
         std::to_string(local.candidate_port) + " typ host";
}

void add_transport(MediaDescription& m, const LocalEndpoint& local, Setup setup) {
  m.port = local.candidate_port;
  m.connection = connection_for(local.candidate_ip);
  m.rtcp.clear();
  m.candidates = {host_candidate(local)};
  m.end_of_candidates = true;  // ICE-lite: this is every candidate we will ever have
  m.ice_ufrag = local.ice_ufrag;
  m.ice_pwd = local.ice_pwd;
  m.fingerprint = Fingerprint{"sha-256", local.fingerprint_sha256};
  m.setup = setup;
  m.rtcp_mux = true;
}

SessionDescription session_skeleton(const LocalEndpoint& local) {
  SessionDescription s;
  s.session_id = local.session_id;
  s.session_version = local.session_version;
  s.ice_lite = true;
  s.msid_semantic = " WMS";
  return s;
}

Codec with_feedback(const Codec& offered, const PublishPolicy& policy) {
  Codec c = offered;
  c.rtcp_fb.clear();
  for (const auto& fb : offered.rtcp_fb) {
    if (contains(policy.rtcp_feedback, fb)) c.rtcp_fb.push_back(fb);
  }
  return c;
}

const Codec* pick_opus(const MediaDescription& offer) {
  for (const auto& c : offer.codecs) {
    if (c.is("opus") && c.clock_rate == 48000 && c.channels.value_or(1) == 2) return &c;
  }
  return nullptr;
}

const Codec* pick_vp8(const MediaDescription& offer) {
  for (const auto& c : offer.codecs) {
    if (c.is("VP8") && c.clock_rate == 90000) return &c;
  }
  return nullptr;
}

// H.264 with packetization-mode=1 (RFC 6184 6.2: non-interleaved, so FU-A fragments are allowed).
// Constrained Baseline (42e0xx) first: every browser decodes it, in hardware where there is any.
const Codec* pick_h264(const MediaDescription& offer) {
  const Codec* best = nullptr;
  int best_rank = 0;
  for (const auto& c : offer.codecs) {
    if (!c.is("H264") || c.clock_rate != 90000 || c.fmtp_value("packetization-mode") != "1") continue;
    const std::string profile = c.fmtp_value("profile-level-id").value_or("");
    int rank = 1;
    if (profile.size() == 6 && profile.compare(0, 4, "42e0") == 0) {
      rank = 3;
    } else if (profile.size() == 6 && profile.compare(0, 4, "4200") == 0) {
      rank = 2;
    }
    if (rank > best_rank) {
      best = &c;
      best_rank = rank;
    }
  }
  return best;
}

void reject(MediaDescription& answer, const MediaDescription& offer) {
  answer = MediaDescription{};
  answer.kind = offer.kind;
  answer.port = 0;
  answer.protocol = offer.protocol;
  answer.formats = offer.formats;
  answer.codecs.clear();
  answer.mid = offer.mid;
  answer.direction = Direction::kInactive;
}

MediaDescription answer_section(const MediaDescription& offer, const LocalEndpoint& local,
                                const PublishPolicy& policy) {
  MediaDescription a;
  std::vector<const Codec*> chosen;
  if (offer.kind == "audio") {
    if (const Codec* opus = pick_opus(offer)) chosen.push_back(opus);
  } else if (offer.kind == "video") {
    for (VideoCodec v : policy.video_codecs) {
      const Codec* c = v == VideoCodec::kVp8 ? pick_vp8(offer) : pick_h264(offer);
      if (c == nullptr) continue;
      chosen.push_back(c);
      if (const Codec* rtx = offer.find_rtx_for(c->payload_type)) chosen.push_back(rtx);
    }
  }
  // Without rtcp-mux we would need a second ICE component; without a mid BUNDLE cannot route.
  if (offer.rejected() || chosen.empty() || !offer.rtcp_mux || offer.mid.empty()) {
    reject(a, offer);
    return a;
  }

  a.kind = offer.kind;
  a.protocol = offer.protocol;
  a.mid = offer.mid;
  add_transport(a, local, Setup::kPassive);
  // We only receive on a publisher's transport (RFC 3264 6.1: answer to sendonly is recvonly).
  a.direction = offer.direction == Direction::kSendOnly || offer.direction == Direction::kSendRecv
                    ? Direction::kRecvOnly
                    : Direction::kInactive;
  a.rtcp_rsize = offer.rtcp_rsize;
  a.extmap_allow_mixed = offer.extmap_allow_mixed;
  for (const auto& e : offer.extmaps) {
    if (contains(policy.header_extensions, e.uri)) a.extmaps.push_back(Extmap{e.id, std::nullopt, e.uri, {}});
  }
  for (const Codec* c : chosen) {
    a.codecs.push_back(with_feedback(*c, policy));
    a.formats.push_back(std::to_string(c->payload_type));
  }
  // RFC 8853 5.3: we receive exactly the simulcast streams offered, under the same rids.
  if (offer.simulcast && !offer.simulcast->send.empty()) {
    Simulcast sim;
    sim.recv = offer.simulcast->send;
    a.simulcast = std::move(sim);
    for (const auto& r : offer.rids) {
      if (r.send) a.rids.push_back(Rid{r.id, false, {}});
    }
  }
  return a;
}

}  // namespace

Result<SessionDescription, SdpError> answer_publish_offer(const SessionDescription& offer,
                                                          const LocalEndpoint& local,
                                                          const PublishPolicy& policy) {
  const auto* offered_bundle = offer.bundle();
  if (offered_bundle == nullptr)
    return err(SdpError{0, "offer has no BUNDLE group; one transport is required"});
  // The bundled transport's ICE and DTLS parameters must be complete before anything is accepted.
  if (auto remote = remote_transport(offer); !remote.ok()) return err(remote.error());
  SessionDescription answer = session_skeleton(local);
  answer.extmap_allow_mixed = offer.extmap_allow_mixed;
  Group bundle{"BUNDLE", {}};
  for (const auto& m : offer.media) {
    const auto setup = offer.setup_for(m);
    if (!m.rejected() && setup == Setup::kPassive) {
      return err(SdpError{0, "offer is DTLS server (setup:passive); the SFU only accepts actpass or active"});
    }
    MediaDescription a = answer_section(m, local, policy);
    if (!a.rejected()) {
      if (!contains(*offered_bundle, m.mid)) {
        reject(a, m);
      } else {
        bundle.mids.push_back(a.mid);
      }
    }
    answer.media.push_back(std::move(a));
  }
  if (!bundle.mids.empty()) answer.groups.push_back(std::move(bundle));
  return answer;
}

SessionDescription build_subscribe_offer(const std::vector<OutgoingTrack>& tracks,
                                         const LocalEndpoint& local) {
  SessionDescription offer = session_skeleton(local);
  offer.extmap_allow_mixed = true;
  Group bundle{"BUNDLE", {}};
  for (const auto& t : tracks) {
    MediaDescription m;
    m.kind = t.kind;
    m.mid = t.mid;
    add_transport(m, local, Setup::kActpass);
    m.rtcp_rsize = true;
    m.extmap_allow_mixed = true;
    m.extmaps = t.extmaps;
    m.codecs.push_back(t.codec);
    if (t.rtx) m.codecs.push_back(*t.rtx);
    for (const auto& c : m.codecs) m.formats.push_back(std::to_string(c.payload_type));
    if (!t.active) {
      // RFC 8829 5.2.2: a stopped track's section stays, with port 0, so m-line indices never shift.
      m.port = 0;
      m.direction = Direction::kInactive;
      offer.media.push_back(std::move(m));
      continue;
    }
    m.direction = Direction::kSendOnly;
    const std::string msid = t.stream_id + " " + t.track_id;
    m.msids.push_back(msid);
    m.ssrcs.push_back(SsrcInfo{t.ssrc, t.cname, msid});
    if (t.rtx && t.rtx_ssrc) {
      // RFC 5576 4.2 / RFC 4588 8.2: FID pairs the primary SSRC with its retransmission SSRC.
      m.ssrc_groups.push_back(SsrcGroup{"FID", {t.ssrc, *t.rtx_ssrc}});
      m.ssrcs.push_back(SsrcInfo{*t.rtx_ssrc, t.cname, msid});
    }
    bundle.mids.push_back(t.mid);
    offer.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) offer.groups.push_back(std::move(bundle));
  return offer;
}

Codec opus_codec(int payload_type) {
  return Codec{payload_type, "opus", 48000, 2, "minptime=10;useinbandfec=1", {"transport-cc"}};
}

Codec vp8_codec(int payload_type) {
  return Codec{payload_type, "VP8", 90000,
               std::nullopt, "",    {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}};
}

Codec h264_codec(int payload_type) {
  return Codec{payload_type,
               "H264",
               90000,
               std::nullopt,
               "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
               {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}};
}

Codec rtx_codec(int payload_type, int apt) {
  return Codec{payload_type, "rtx", 90000, std::nullopt, "apt=" + std::to_string(apt), {}};
}

std::vector<Extmap> default_audio_extmaps() {
  return {
      {1, std::nullopt, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", {}},
      {2, std::nullopt, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", {}},
      {3, std::nullopt, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", {}},
      {4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", {}},
  };
}

std::vector<Extmap> default_video_extmaps() {
  return {
      {2, std::nullopt, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", {}},
      {3, std::nullopt, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", {}},
      {4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", {}},
      {13, std::nullopt, "urn:3gpp:video-orientation", {}},
  };
}

Result<RemoteTransport, SdpError> remote_transport(const SessionDescription& sdp) {
  // With BUNDLE every section shares the first accepted section's transport (RFC 8843 7.1.3).
  const MediaDescription* m = nullptr;
  for (const auto& candidate : sdp.media) {
    if (!candidate.rejected()) {
      m = &candidate;
      break;
    }
  }
  if (m == nullptr) return err(SdpError{0, "no accepted media section"});
  RemoteTransport t;
  t.ice_ufrag = sdp.ice_ufrag_for(*m);
  t.ice_pwd = sdp.ice_pwd_for(*m);
  if (t.ice_ufrag.empty() || t.ice_pwd.empty()) return err(SdpError{0, "missing ICE credentials"});
  const auto fp = sdp.fingerprint_for(*m);
  if (!fp) return err(SdpError{0, "missing a=fingerprint"});
  const auto hash = crypto::hash_from_sdp_name(fp->algorithm);
  if (!hash) return err(SdpError{0, "unsupported fingerprint hash " + fp->algorithm});
  auto digest = crypto::parse_fingerprint(fp->value);
  if (!digest || digest->size() != crypto::digest_size(*hash)) {
    return err(SdpError{0, "fingerprint does not fit its hash"});
  }
  t.fingerprint_hash = *hash;
  t.fingerprint = std::move(*digest);
  const auto setup = sdp.setup_for(*m);
  if (!setup) return err(SdpError{0, "missing a=setup"});
  t.setup = *setup;
  return t;
}

}  // namespace umbra::rtc::sdp
