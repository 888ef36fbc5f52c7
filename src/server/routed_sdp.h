// SDP <-> router parameters for routed sessions: the glue between a browser's offer/answer
// (rtc/sdp, RFC 8829 JSEP) and the MediaRouter interface's transports, producers and consumers.
// Pure functions, so the mapping is tested without a router or a browser.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "rtc/sdp/negotiation.h"
#include "rtc/sdp/session_description.h"
#include "server/media_router.h"

namespace umbra::server {

// Our side of a transport, as the SDP builders want it.
rtc::sdp::LocalEndpoint local_endpoint(const TransportInfo& transport);

// The browser's DTLS parameters from its offer or answer. The router is always the DTLS server
// (rtc/sdp/negotiation.h), so the browser is the client.
Result<DtlsParameters, std::string> client_dtls(const rtc::sdp::SessionDescription& sdp);

// Simulcast: the router forwards one of up to this many spatial layers to each subscriber.
inline constexpr std::size_t kMaxSimulcastLayers = 3;

struct PublishPlan {
  std::string answer_sdp;
  DtlsParameters dtls;
  std::vector<ProduceOptions> producers;  // one per accepted audio/video section
};

// Answers a publishing browser's offer on `transport`. `e2ee` restricts video to VP8 (DESIGN.md 4.7).
// A video section with simulcast (a=simulcast:send and a=rid, RFC 8853 / RFC 8851, or
// a=ssrc-group:SIM) becomes one producer with one encoding per layer, lowest resolution first;
// the answer accepts the layers (a=simulcast:recv). Simulcast needs VP8 or H264 (keyframes must
// be recognisable to switch layers) and at most kMaxSimulcastLayers layers.
Result<PublishPlan, std::string> plan_publish(const rtc::sdp::SessionDescription& offer,
                                              const TransportInfo& transport, bool e2ee,
                                              const std::string& stream_id);

// The router's offer to a subscriber for the consumers of one stream (audio first, then video).
std::string subscribe_offer(const std::vector<ConsumerInfo>& consumers, const TransportInfo& transport,
                            const std::string& stream_id);

// ICE restart (RFC 8445 section 9; RFC 8839 section 4.4.1.1.1: new a=ice-ufrag/ice-pwd signal it).

// The peer's ICE ufrag (session level or its first usable section), empty when it has none.
std::string remote_ice_ufrag(const rtc::sdp::SessionDescription& sdp);

// Answers a publisher's restart offer on the restarted `transport`: the same answer as the first one
// but for the new credentials (the DTLS fingerprint stays, so DTLS and SRTP go on). The offer must
// describe the `producers` tracks the stream already has, else the answer would not match the router.
Result<std::string, std::string> restart_publish_answer(const rtc::sdp::SessionDescription& offer,
                                                        const TransportInfo& transport, bool e2ee,
                                                        std::size_t producers);

// The router's previous subscribe offer with the restarted `transport`'s credentials and the next
// o= session version (RFC 3264 section 8: a new offer of the same session increments it).
Result<std::string, std::string> restart_subscribe_offer(const std::string& previous_offer,
                                                         const TransportInfo& transport);

}  // namespace umbra::server
