#include "router/webrtc_transport.h"

#include "common/log.h"
#include "crypto/certificate.h"
#include "rtc/dtls/srtp_sessions.h"
#include "rtc/stun/demux.h"

namespace umbra::router {

using rtc::stun::Address;
using rtc::stun::DatagramKind;

namespace {

// "30 s", "1.5 s": the configured timeout as an operator would write it, for the close reason.
std::string seconds_text(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    text += "." + fraction;
  }
  return text + " s";
}

PcapEndpoint pcap_endpoint(const Address& a) {
  PcapEndpoint e;
  if (a.family == Address::Family::kIpv4) {
    std::copy(a.ip.begin(), a.ip.begin() + 4, e.ip.begin());
  } else {
    // An IPv6 peer shows up under a fixed stand-in IPv4 address; the port stays real.
    e.ip = {10, 255, 255, 254};
  }
  e.port = a.port;
  return e;
}

}  // namespace

WebRtcTransport::WebRtcTransport(std::string id, std::shared_ptr<const rtc::dtls::DtlsContext> dtls_context,
                                 SendFn send, TimePoint now, Duration consent_timeout)
    : id_(std::move(id)),
      send_(std::move(send)),
      consent_timeout_(consent_timeout),
      ice_(rtc::ice::generate_credentials(), now, consent_timeout),
      dtls_(std::move(dtls_context), rtc::dtls::DtlsTransport::Config{}) {}

WebRtcTransport::~WebRtcTransport() = default;

void WebRtcTransport::set_rtp_dump(std::unique_ptr<PcapFile> dump, PcapEndpoint local, TimePoint now) {
  dump_ = std::move(dump);
  dump_local_ = local;
  dump_steady_base_ = now;
  dump_unix_base_us_ = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
}

Result<void, std::string> WebRtcTransport::connect(std::string_view algorithm, std::string_view fingerprint,
                                                   TimePoint now) {
  if (state_ != State::kNew) return err(std::string("transport already connected"));
  crypto::Hash hash;
  if (algorithm == "sha-256") {
    hash = crypto::Hash::kSha256;
  } else if (algorithm == "sha-512") {
    hash = crypto::Hash::kSha512;
  } else if (algorithm == "sha-1") {
    hash = crypto::Hash::kSha1;
  } else {
    return err("unsupported fingerprint algorithm " + std::string(algorithm));
  }
  auto digest = crypto::parse_fingerprint(fingerprint);
  if (!digest || digest->size() != crypto::digest_size(hash))
    return err(std::string("malformed fingerprint"));
  dtls_.set_remote_fingerprint(hash, std::move(*digest));
  dtls_.start(now);
  state_ = State::kConnecting;
  return {};
}

bool WebRtcTransport::handle_datagram(MutableByteSpan datagram, const Address& from, TimePoint now) {
  if (state_ == State::kClosed) return false;
  ++stats_.datagrams_in;
  stats_.bytes_in += datagram.size();
  bool validated = false;
  switch (rtc::stun::classify_datagram(datagram)) {
    case DatagramKind::kStun: on_stun(datagram, from, now, validated); break;
    case DatagramKind::kDtls: on_dtls(datagram, from, now); break;
    case DatagramKind::kRtp: on_srtp(datagram, false, from, now); break;
    case DatagramKind::kRtcp: on_srtp(datagram, true, from, now); break;
    case DatagramKind::kUnknown: ++stats_.dropped_malformed; break;
  }
  return validated;
}

void WebRtcTransport::on_stun(ByteSpan datagram, const Address& from, TimePoint now, bool& validated) {
  auto message = rtc::stun::StunMessage::parse(datagram);
  if (!message) {
    ++stats_.dropped_malformed;
    return;
  }
  const auto result = ice_.handle_request(*message, from, now);
  if (!result.response.empty()) send_datagram(from, result.response);
  validated = result.outcome == rtc::ice::CheckResult::Outcome::kAccepted;
  if (validated && (result.nominated || !remote_)) remote_ = ice_.nominated() ? *ice_.nominated() : from;
}

void WebRtcTransport::on_dtls(ByteSpan datagram, const Address& from, TimePoint now) {
  if (state_ == State::kNew) {
    // The browser may start DTLS before the signaling answer with its fingerprint reached us;
    // it retransmits, so dropping here only delays the handshake.
    ++stats_.dropped_malformed;
    return;
  }
  if (!remote_) remote_ = from;
  dtls_.handle_datagram(datagram, now);
  flush_dtls();
  poll_dtls_events();
}

void WebRtcTransport::on_srtp(MutableByteSpan datagram, bool is_rtcp, const Address& from, TimePoint now) {
  if (state_ != State::kConnected || !srtp_in_) {
    ++stats_.dropped_malformed;
    return;
  }
  const auto plain = is_rtcp ? srtp_in_->unprotect_rtcp(datagram) : srtp_in_->unprotect_rtp(datagram);
  if (!plain) {
    if (plain.error() == rtc::srtp::SrtpError::kMalformed) {
      ++stats_.dropped_malformed;
    } else {
      ++stats_.dropped_srtp;
    }
    return;
  }
  const MutableByteSpan packet = datagram.first(*plain);
  if (is_rtcp) {
    ++stats_.rtcp_in;
    if (listener_ != nullptr) listener_->on_rtcp(*this, packet, now);
    return;
  }
  auto rtp = rtc::rtp::RtpPacket::parse(packet);
  if (!rtp) {
    ++stats_.dropped_malformed;
    return;
  }
  ++stats_.rtp_in;
  if (dump_) {
    const auto micros =
        dump_unix_base_us_ +
        std::chrono::duration_cast<std::chrono::microseconds>(now - dump_steady_base_).count();
    dump_->write(static_cast<std::uint64_t>(micros), pcap_endpoint(from), dump_local_, packet);
  }
  if (listener_ != nullptr) listener_->on_rtp(*this, *rtp, now);
}

void WebRtcTransport::flush_dtls() {
  while (auto datagram = dtls_.poll_datagram()) {
    if (remote_) send_datagram(*remote_, *datagram);
  }
}

void WebRtcTransport::poll_dtls_events() {
  while (auto event = dtls_.poll_event()) {
    if (const auto* connected = std::get_if<rtc::dtls::Connected>(&*event)) {
      auto sessions = rtc::dtls::make_srtp_sessions(*connected);
      if (!sessions) {
        close(sessions.error());
        return;
      }
      srtp_in_ = std::move(sessions->inbound);
      srtp_out_ = std::move(sessions->outbound);
      state_ = State::kConnected;
      if (listener_ != nullptr) listener_->on_connected(*this);
    } else if (const auto* failed = std::get_if<rtc::dtls::Failed>(&*event)) {
      close("dtls handshake failed: " + failed->reason);
      return;
    } else {
      close("dtls closed by peer");
      return;
    }
  }
}

void WebRtcTransport::handle_timeout(TimePoint now) {
  if (state_ == State::kClosed) return;
  // A dump is read while the call runs (or after a crash): at most a second of it sits in buffers.
  if (dump_ && now - dump_flushed_ >= std::chrono::seconds(1)) {
    dump_->flush();
    dump_flushed_ = now;
  }
  if (ice_.handle_timeout(now)) {
    close("ice consent expired (no checks for " + seconds_text(consent_timeout_) + ")");
    return;
  }
  const auto dtls_deadline = dtls_.poll_timeout();
  if (dtls_deadline && *dtls_deadline <= now) {
    dtls_.handle_timeout(now);
    flush_dtls();
    poll_dtls_events();
  }
}

std::optional<TimePoint> WebRtcTransport::next_timeout() const {
  auto next = ice_.next_timeout();
  const auto dtls_deadline = dtls_.poll_timeout();
  if (dtls_deadline && (!next || *dtls_deadline < *next)) next = dtls_deadline;
  return next;
}

bool WebRtcTransport::send_rtp(Bytes& packet) {
  if (state_ != State::kConnected || !remote_) return false;
  const std::size_t length = packet.size();
  packet.resize(length + rtc::srtp::rtp_overhead(srtp_out_->profile()));
  const auto protected_size = srtp_out_->protect_rtp(packet, length);
  if (!protected_size) return false;
  packet.resize(*protected_size);
  ++stats_.rtp_out;
  send_datagram(*remote_, packet);
  return true;
}

bool WebRtcTransport::send_rtcp(Bytes& compound) {
  if (state_ != State::kConnected || !remote_) return false;
  const std::size_t length = compound.size();
  compound.resize(length + rtc::srtp::rtcp_overhead(srtp_out_->profile()));
  const auto protected_size = srtp_out_->protect_rtcp(compound, length);
  if (!protected_size) return false;
  compound.resize(*protected_size);
  ++stats_.rtcp_out;
  send_datagram(*remote_, compound);
  return true;
}

void WebRtcTransport::send_datagram(const Address& to, ByteSpan bytes) {
  ++stats_.datagrams_out;
  stats_.bytes_out += bytes.size();
  send_(to, bytes);
}

const rtc::ice::Credentials& WebRtcTransport::restart_ice(std::string remote_ufrag) {
  ice_.restart(rtc::ice::generate_credentials(), std::move(remote_ufrag));
  return ice_.local();
}

void WebRtcTransport::close(std::string_view reason) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnected) {
    dtls_.close();
    flush_dtls();
  }
  state_ = State::kClosed;
  log::info("router", "transport closed", {{"transport", id_}, {"reason", reason}});
  if (listener_ != nullptr) listener_->on_closed(*this, reason);
}

}  // namespace umbra::router
