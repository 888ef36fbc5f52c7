// A thin test harness for the Chromium test (until the session server drives the router): one
// Router plus a minimal HTTP/1.0 server on loopback that exchanges SDP directly.
//   GET  /                     the test page (publisher and subscriber in one page)
//   POST /publish              body: offer SDP -> answer SDP; the offer's tracks become producers
//   GET  /subscribe            -> offer SDP with every producer's track; X-Transport-Id header
//   POST /subscribe-answer?t=  body: answer SDP
// Prints "listening <port>" on stdout once ready. Not production code: one request at a time.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "router/router.h"
#include "rtc/sdp/negotiation.h"

namespace {

namespace asio = boost::asio;
using namespace umbra;

constexpr const char* kPage = R"HTML(<!doctype html><html><body>
<video id="v" autoplay playsinline muted></video>
<script>
async function publish() {
  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: {width: 320, height: 240}});
  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require'});
  for (const t of stream.getTracks()) pc.addTransceiver(t, {direction: 'sendonly', streams: [stream]});
  await pc.setLocalDescription(await pc.createOffer());
  const r = await fetch('/publish', {method: 'POST', body: pc.localDescription.sdp});
  if (!r.ok) throw new Error('publish: ' + await r.text());
  await pc.setRemoteDescription({type: 'answer', sdp: await r.text()});
  window.pub = pc;
}
async function subscribe() {
  const r = await fetch('/subscribe');
  if (!r.ok) throw new Error('subscribe: ' + await r.text());
  const id = r.headers.get('X-Transport-Id');
  const pc = new RTCPeerConnection({bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require'});
  pc.ontrack = e => { if (e.track.kind === 'video') document.getElementById('v').srcObject = new MediaStream([e.track]); };
  await pc.setRemoteDescription({type: 'offer', sdp: await r.text()});
  await pc.setLocalDescription(await pc.createAnswer());
  const a = await fetch('/subscribe-answer?t=' + id, {method: 'POST', body: pc.localDescription.sdp});
  if (!a.ok) throw new Error('answer: ' + await a.text());
  window.sub = pc;
}
async function inbound() {
  const out = {video: 0, audio: 0, state: window.sub ? window.sub.connectionState : 'none',
               pubState: window.pub ? window.pub.connectionState : 'none'};
  if (window.pub) (await window.pub.getStats()).forEach(r => {
    if (r.type === 'candidate-pair' && r.nominated) out.pubBitrate = r.availableOutgoingBitrate || 0;
  });
  if (!window.sub) return out;
  (await window.sub.getStats()).forEach(r => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') out.video = r.framesDecoded || 0;
    if (r.type === 'inbound-rtp' && r.kind === 'audio') out.audio = r.packetsReceived || 0;
  });
  return out;
}
</script></body></html>)HTML";

struct Track {
  std::string producer_id;
  std::string kind;
  rtc::sdp::Codec codec;
  std::optional<rtc::sdp::Codec> rtx;
  std::vector<rtc::sdp::Extmap> extmaps;
};

template <class T>
std::optional<T> wait(std::function<void(server::RouterCallback<T>)> call, std::string& error) {
  std::promise<server::RouterOutcome<T>> promise;
  auto future = promise.get_future();
  call([&promise](server::RouterOutcome<T> outcome) { promise.set_value(std::move(outcome)); });
  auto outcome = future.get();
  if (!outcome.value) error = outcome.error.code + ": " + outcome.error.message;
  return outcome.value;
}

class Harness {
 public:
  Harness()
      : cert_(crypto::Certificate::generate("router")),
        router_(options(), cert_, [](std::function<void()> fn) { fn(); }) {}

  std::string handle(const std::string& method, const std::string& target, const std::string& body,
                     int& status, std::string& extra_headers, std::string& content_type) {
    status = 200;
    content_type = "application/sdp";
    std::string error;
    if (method == "GET" && target == "/") {
      content_type = "text/html";
      return kPage;
    }
    if (method == "POST" && target == "/publish") {
      auto r = publish(body, error);
      if (!r) status = 400;
      return r ? *r : error;
    }
    if (method == "GET" && target == "/subscribe") {
      std::string id;
      auto r = subscribe(id, error);
      if (!r) status = 400;
      extra_headers = "X-Transport-Id: " + id + "\r\n";
      return r ? *r : error;
    }
    if (method == "POST" && target.rfind("/subscribe-answer?t=", 0) == 0) {
      const std::string id = target.substr(std::string("/subscribe-answer?t=").size());
      if (!connect(id, body, error)) status = 400;
      return error;
    }
    status = 404;
    return "not found";
  }

 private:
  static router::RouterOptions options() {
    router::RouterOptions o;
    o.rtc_port = 0;
    o.workers = 1;
    // UMBRA_RTP_DUMP=DIR: --rtp-dump for manual inspection of what Chromium sent.
    if (const char* dir = std::getenv("UMBRA_RTP_DUMP")) o.rtp_dump_dir = dir;
    return o;
  }

  bool connect(const std::string& transport_id, const std::string& sdp_text, std::string& error) {
    const auto sdp = rtc::sdp::parse(sdp_text);
    if (!sdp) return (error = "bad sdp: " + rtc::sdp::to_string(sdp.error()), false);
    const auto remote = rtc::sdp::remote_transport(*sdp);
    if (!remote) return (error = "no transport: " + rtc::sdp::to_string(remote.error()), false);
    const server::DtlsParameters dtls{"client",
                                      {{"sha-256", crypto::format_fingerprint(remote->fingerprint)}}};
    return wait<server::RouterDone>(
               [&](auto done) { router_.connect_transport(transport_id, dtls, std::move(done)); }, error)
        .has_value();
  }

  rtc::sdp::LocalEndpoint local(const server::TransportInfo& info) {
    rtc::sdp::LocalEndpoint l;
    l.ice_ufrag = info.ice_ufrag;
    l.ice_pwd = info.ice_pwd;
    l.fingerprint_sha256 = info.fingerprints.front().value;
    l.candidate_ip = info.candidates.front().ip;
    l.candidate_port = info.candidates.front().port;
    return l;
  }

  std::optional<std::string> publish(const std::string& offer_text, std::string& error) {
    const auto offer = rtc::sdp::parse(offer_text);
    if (!offer) return (error = "bad offer: " + rtc::sdp::to_string(offer.error()), std::nullopt);
    const auto info = wait<server::TransportInfo>(
        [&](auto done) {
          router_.create_transport({"room", "publisher", false}, std::move(done));
        },
        error);
    if (!info) return std::nullopt;
    auto answer = rtc::sdp::answer_publish_offer(*offer, local(*info));
    if (!answer) return (error = "cannot answer: " + rtc::sdp::to_string(answer.error()), std::nullopt);
    if (!connect(info->transport_id, offer_text, error)) return std::nullopt;
    for (std::size_t i = 0; i < answer->media.size() && i < offer->media.size(); ++i) {
      const auto& a = answer->media[i];
      const auto& o = offer->media[i];
      if (a.rejected() || a.codecs.empty() || o.ssrcs.empty()) continue;
      // The primary SSRC is the first of an FID group, else the first listed.
      std::uint32_t ssrc = o.ssrcs.front().ssrc;
      for (const auto& g : o.ssrc_groups) {
        if (g.semantics == "FID" && !g.ssrcs.empty()) ssrc = g.ssrcs.front();
      }
      const auto& codec = a.codecs.front();
      const rtc::sdp::Codec* rtx = a.find_rtx_for(codec.payload_type);
      server::ProduceOptions po;
      po.kind = a.kind;
      server::RtpCodec rc{a.kind + "/" + codec.name,
                          static_cast<std::uint8_t>(codec.payload_type),
                          codec.clock_rate,
                          static_cast<std::uint8_t>(codec.channels.value_or(0)),
                          codec.fmtp,
                          std::nullopt};
      if (rtx) rc.rtx_payload_type = static_cast<std::uint8_t>(rtx->payload_type);
      po.rtp.codecs = {rc};
      for (const auto& e : a.extmaps)
        po.rtp.header_extensions.push_back({e.uri, static_cast<std::uint8_t>(e.id)});
      po.rtp.encodings = {{ssrc, rtx ? o.rtx_ssrc_for(ssrc) : std::nullopt, ""}};
      const auto produced = wait<server::ProducerInfo>(
          [&](auto done) { router_.produce(info->transport_id, po, std::move(done)); }, error);
      if (!produced) return std::nullopt;
      Track t{produced->producer_id, a.kind, codec, rtx ? std::optional(*rtx) : std::nullopt, {}};
      // Forwarded packets keep the publisher's extension ids, so the subscriber gets the same map,
      // minus mid/rid (the subscriber demuxes by SSRC; these values would name the publisher's mids).
      for (const auto& e : a.extmaps) {
        if (e.uri.find("sdes:mid") == std::string::npos && e.uri.find("rtp-stream-id") == std::string::npos) {
          t.extmaps.push_back(e);
        }
      }
      tracks_.push_back(std::move(t));
    }
    return rtc::sdp::to_string(*answer);
  }

  std::optional<std::string> subscribe(std::string& transport_id, std::string& error) {
    const auto info = wait<server::TransportInfo>(
        [&](auto done) {
          router_.create_transport({"room", "subscriber", false}, std::move(done));
        },
        error);
    if (!info) return std::nullopt;
    transport_id = info->transport_id;
    std::vector<rtc::sdp::OutgoingTrack> out;
    for (const auto& t : tracks_) {
      const auto consumer = wait<server::ConsumerInfo>(
          [&](auto done) {
            router_.consume(info->transport_id, {t.producer_id, false}, std::move(done));
          },
          error);
      if (!consumer) return std::nullopt;
      rtc::sdp::OutgoingTrack o;
      o.mid = std::to_string(out.size());
      o.kind = t.kind;
      o.codec = t.codec;
      o.rtx = t.rtx;
      o.ssrc = consumer->rtp.encodings.front().ssrc;
      o.rtx_ssrc = consumer->rtp.encodings.front().rtx_ssrc;
      o.cname = "umbra";
      o.stream_id = "stream";
      o.track_id = t.kind;
      o.extmaps = t.extmaps;
      out.push_back(std::move(o));
    }
    return rtc::sdp::to_string(rtc::sdp::build_subscribe_offer(out, local(*info)));
  }

  crypto::Certificate cert_;
  router::Router router_;
  std::vector<Track> tracks_;
};

}  // namespace

int main() {
  Harness harness;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::cout << "listening " << acceptor.local_endpoint().port() << std::endl;
  for (;;) {
    asio::ip::tcp::socket socket(io);
    acceptor.accept(socket);
    boost::system::error_code ec;
    asio::streambuf buf;
    const std::size_t header_end = asio::read_until(socket, buf, "\r\n\r\n", ec);
    if (ec) continue;
    std::string head(asio::buffers_begin(buf.data()),
                     asio::buffers_begin(buf.data()) + static_cast<std::ptrdiff_t>(header_end));
    buf.consume(header_end);
    std::size_t length = 0;
    for (std::size_t pos = 0; (pos = head.find('\n', pos)) != std::string::npos; ++pos) {
      std::string line = head.substr(pos + 1, head.find('\r', pos + 1) - pos - 1);
      for (auto& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.rfind("content-length:", 0) == 0) length = std::stoul(line.substr(15));
    }
    if (buf.size() < length) asio::read(socket, buf, asio::transfer_exactly(length - buf.size()), ec);
    const std::string body(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    int status = 200;
    std::string extra, type;
    const std::string response =
        harness.handle(head.substr(0, sp1), head.substr(sp1 + 1, sp2 - sp1 - 1), body, status, extra, type);
    const std::string out = "HTTP/1.0 " + std::to_string(status) + " X\r\nContent-Type: " + type +
                            "\r\nContent-Length: " + std::to_string(response.size()) + "\r\n" + extra +
                            "Connection: close\r\n\r\n" + response;
    asio::write(socket, asio::buffer(out), ec);
  }
}
