#include "server/routed_sdp.h"

#include <algorithm>
#include <cctype>

#include "rtc/sdp/parser.h"

namespace umbra::server {

namespace sdp = rtc::sdp;

rtc::sdp::LocalEndpoint local_endpoint(const TransportInfo& transport) {
  sdp::LocalEndpoint local;
  local.ice_ufrag = transport.ice_ufrag;
  local.ice_pwd = transport.ice_pwd;
  for (const auto& fp : transport.fingerprints) {
    if (fp.algorithm == "sha-256") local.fingerprint_sha256 = fp.value;
  }
  if (!transport.candidates.empty()) {
    local.candidate_ip = transport.candidates.front().ip;
    local.candidate_port = transport.candidates.front().port;
  }
  return local;
}

Result<DtlsParameters, std::string> client_dtls(const rtc::sdp::SessionDescription& description) {
  std::optional<sdp::Fingerprint> fingerprint = description.fingerprint;
  for (const auto& m : description.media) {
    if (fingerprint) break;
    if (!m.rejected()) fingerprint = description.fingerprint_for(m);
  }
  if (!fingerprint) return err(std::string("the SDP has no a=fingerprint"));
  std::string algorithm = fingerprint->algorithm;
  std::transform(algorithm.begin(), algorithm.end(), algorithm.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return DtlsParameters{"client", {{algorithm, fingerprint->value}}};
}

namespace {

// The SSRCs that carry media (not the RTX half of an FID pair), in SIM group order if there is one.
std::vector<std::uint32_t> primary_ssrcs(const sdp::MediaDescription& m) {
  std::vector<std::uint32_t> repair;
  for (const auto& g : m.ssrc_groups) {
    if (g.semantics == "FID" && g.ssrcs.size() == 2) repair.push_back(g.ssrcs[1]);
  }
  for (const auto& g : m.ssrc_groups) {
    if (g.semantics == "SIM") return g.ssrcs;
  }
  std::vector<std::uint32_t> out;
  for (const auto& s : m.ssrcs) {
    if (std::find(repair.begin(), repair.end(), s.ssrc) == repair.end() &&
        std::find(out.begin(), out.end(), s.ssrc) == out.end()) {
      out.push_back(s.ssrc);
    }
  }
  return out;
}

bool has_sim_group(const sdp::MediaDescription& m) {
  return std::any_of(m.ssrc_groups.begin(), m.ssrc_groups.end(),
                     [](const sdp::SsrcGroup& g) { return g.semantics == "SIM"; });
}

// The rank of a rid among the names browsers and SFUs conventionally use ("q"uarter, "h"alf,
// "f"ull; "l"ow, "m"edium, "h"igh), or -1 when the names are not all of one such family.
int conventional_rank(const std::vector<std::string>& rids, const std::string& rid) {
  const auto has = [&](const char* name) { return std::find(rids.begin(), rids.end(), name) != rids.end(); };
  const std::vector<std::string> family = has("l") || has("m") ? std::vector<std::string>{"l", "m", "h"}
                                                               : std::vector<std::string>{"q", "h", "f"};
  for (const auto& r : rids) {
    if (std::find(family.begin(), family.end(), r) == family.end()) return -1;
  }
  return static_cast<int>(std::find(family.begin(), family.end(), rid) - family.begin());
}

// RFC 8853 5.1: the simulcast streams in a=simulcast:send order, each by its first alternative rid
// (without a=simulcast, the a=rid lines), then lowest resolution first: SDP says nothing about
// resolutions, so conventional names decide, otherwise the offered order does (the web SDK offers
// the lowest first).
std::vector<std::string> send_rids(const sdp::MediaDescription& m) {
  std::vector<std::string> out;
  if (m.simulcast && !m.simulcast->send.empty()) {
    for (const auto& stream : m.simulcast->send) {
      if (!stream.empty()) out.push_back(stream.front().rid);
    }
  } else {
    for (const auto& rid : m.rids) {
      if (rid.send) out.push_back(rid.id);
    }
  }
  if (!out.empty() && conventional_rank(out, out.front()) >= 0) {
    const auto names = out;
    std::stable_sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
      return conventional_rank(names, a) < conventional_rank(names, b);
    });
  }
  return out;
}

}  // namespace

Result<PublishPlan, std::string> plan_publish(const rtc::sdp::SessionDescription& offer,
                                              const TransportInfo& transport, bool e2ee,
                                              const std::string& stream_id) {
  sdp::PublishPolicy policy;
  if (e2ee) policy.video_codecs = {sdp::VideoCodec::kVp8};
  const auto answer = sdp::answer_publish_offer(offer, local_endpoint(transport), policy);
  if (!answer) return err("cannot answer the offer: " + sdp::to_string(answer.error()));
  auto dtls = client_dtls(offer);
  if (!dtls) return err(dtls.error());

  PublishPlan plan;
  plan.dtls = std::move(*dtls);
  for (std::size_t i = 0; i < answer->media.size() && i < offer.media.size(); ++i) {
    const auto& accepted = answer->media[i];
    const auto& offered = offer.media[i];
    if (accepted.rejected() || (accepted.kind != "audio" && accepted.kind != "video")) continue;
    ProduceOptions p;
    p.kind = accepted.kind;
    p.stream_id = stream_id;
    p.rtp.mid = accepted.mid;
    for (const auto& c : accepted.codecs) {
      if (c.is("rtx")) continue;
      RtpCodec codec;
      codec.mime_type = accepted.kind + "/" + c.name;
      codec.payload_type = static_cast<std::uint8_t>(c.payload_type);
      codec.clock_rate = c.clock_rate;
      codec.channels = static_cast<std::uint8_t>(c.channels.value_or(0));
      codec.fmtp = c.fmtp;
      if (const auto* rtx = accepted.find_rtx_for(c.payload_type)) {
        codec.rtx_payload_type = static_cast<std::uint8_t>(rtx->payload_type);
      }
      p.rtp.codecs.push_back(std::move(codec));
    }
    // Simulcast by rid (what browsers offer) unless a=ssrc-group:SIM names the layers' SSRCs:
    // the router binds each rid to its SSRC from the first packet's RTP stream id extension.
    const auto rids = send_rids(offered);
    if (accepted.simulcast && !rids.empty() && !has_sim_group(offered)) {
      for (const auto& rid : rids) p.rtp.encodings.push_back({0, std::nullopt, rid});
    } else {
      for (const auto ssrc : primary_ssrcs(offered)) {
        p.rtp.encodings.push_back({ssrc, offered.rtx_ssrc_for(ssrc), ""});
      }
    }
    if (p.rtp.encodings.empty()) {
      for (const auto& rid : rids) p.rtp.encodings.push_back({0, std::nullopt, rid});
    }
    if (p.rtp.encodings.size() > 1) {
      // The router switches a subscriber between layers at keyframes, which it must recognise.
      if (accepted.kind != "video") return err(std::string("simulcast is for video only"));
      if (p.rtp.encodings.size() > kMaxSimulcastLayers)
        return err("at most " + std::to_string(kMaxSimulcastLayers) + " simulcast layers");
      std::string codec = p.rtp.codecs.empty() ? std::string() : p.rtp.codecs.front().mime_type;
      std::transform(codec.begin(), codec.end(), codec.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (codec != "video/vp8" && codec != "video/h264")
        return err("simulcast needs VP8 or H264 (the offer's first codec is " + codec + ")");
    }
    for (const auto& e : accepted.extmaps) {
      p.rtp.header_extensions.push_back({e.uri, static_cast<std::uint8_t>(e.id)});
    }
    if (!offered.ssrcs.empty()) p.rtp.cname = offered.ssrcs.front().cname;
    if (p.rtp.codecs.empty()) continue;
    plan.producers.push_back(std::move(p));
  }
  if (plan.producers.empty()) return err(std::string("the offer has no audio or video the router can take"));
  plan.answer_sdp = sdp::to_string(*answer);
  return plan;
}

std::string subscribe_offer(const std::vector<ConsumerInfo>& consumers, const TransportInfo& transport,
                            const std::string& stream_id) {
  std::vector<sdp::OutgoingTrack> tracks;
  for (const auto& consumer : consumers) {
    if (consumer.rtp.codecs.empty() || consumer.rtp.encodings.empty()) continue;
    const RtpCodec& c = consumer.rtp.codecs.front();
    const RtpEncoding& e = consumer.rtp.encodings.front();
    std::string name = c.mime_type.substr(c.mime_type.find('/') + 1);
    sdp::OutgoingTrack t;
    t.mid = std::to_string(tracks.size());
    t.kind = consumer.kind;
    if (name == "opus") {
      t.codec = sdp::opus_codec(c.payload_type);
    } else if (name == "H264") {
      t.codec = sdp::h264_codec(c.payload_type);
    } else {
      t.codec = sdp::vp8_codec(c.payload_type);
    }
    if (!c.fmtp.empty()) t.codec.fmtp = c.fmtp;
    if (c.rtx_payload_type && e.rtx_ssrc) {
      t.rtx = sdp::rtx_codec(*c.rtx_payload_type, c.payload_type);
      t.rtx_ssrc = e.rtx_ssrc;
    }
    t.ssrc = e.ssrc;
    t.cname = consumer.rtp.cname.empty() ? "umbra" : consumer.rtp.cname;
    t.stream_id = stream_id;
    t.track_id = consumer.consumer_id;
    // No header extensions: the router forwards the publisher's extension bytes untouched, and its
    // extension ids need not match ours; the browser demultiplexes by SSRC (a=ssrc lines) instead.
    tracks.push_back(std::move(t));
  }
  std::stable_sort(tracks.begin(), tracks.end(),
                   [](const sdp::OutgoingTrack& a, const sdp::OutgoingTrack& b) {
                     return a.kind == "audio" && b.kind != "audio";
                   });
  for (std::size_t i = 0; i < tracks.size(); ++i) tracks[i].mid = std::to_string(i);
  return sdp::to_string(sdp::build_subscribe_offer(tracks, local_endpoint(transport)));
}

std::string remote_ice_ufrag(const rtc::sdp::SessionDescription& description) {
  if (!description.ice_ufrag.empty()) return description.ice_ufrag;
  for (const auto& m : description.media) {
    if (!m.rejected() && !m.ice_ufrag.empty()) return m.ice_ufrag;
  }
  return {};
}

Result<std::string, std::string> restart_publish_answer(const rtc::sdp::SessionDescription& offer,
                                                        const TransportInfo& transport, bool e2ee,
                                                        std::size_t producers) {
  auto plan = plan_publish(offer, transport, e2ee, "");
  if (!plan) return err(std::move(plan.error()));
  if (plan->producers.size() != producers)
    return err("the restart offer has " + std::to_string(plan->producers.size()) +
               " audio/video sections, the stream has " + std::to_string(producers) + " tracks");
  auto answer = sdp::parse(plan->answer_sdp);
  if (!answer) return err("cannot re-read our own answer: " + sdp::to_string(answer.error()));
  // RFC 3264 section 8: a later answer of the same session carries a higher o= version. The browser's
  // offer version grows with each of its offers and is above our first answer's (1), so it will do.
  answer->session_version = std::max<std::uint64_t>(offer.session_version, 2);
  return sdp::to_string(*answer);
}

Result<std::string, std::string> restart_subscribe_offer(const std::string& previous_offer,
                                                         const TransportInfo& transport) {
  auto offer = sdp::parse(previous_offer);
  if (!offer) return err("cannot re-read the previous offer: " + sdp::to_string(offer.error()));
  // Credentials may sit at session level or in each section; replace them wherever they are.
  if (!offer->ice_ufrag.empty()) offer->ice_ufrag = transport.ice_ufrag;
  if (!offer->ice_pwd.empty()) offer->ice_pwd = transport.ice_pwd;
  for (auto& m : offer->media) {
    if (!m.ice_ufrag.empty()) m.ice_ufrag = transport.ice_ufrag;
    if (!m.ice_pwd.empty()) m.ice_pwd = transport.ice_pwd;
  }
  ++offer->session_version;
  return sdp::to_string(*offer);
}

}  // namespace umbra::server
