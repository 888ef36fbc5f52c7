#include "client/peer_transport.h"

#include "crypto/certificate.h"
#include "rtc/dtls/srtp_sessions.h"
#include "rtc/stun/demux.h"

namespace umbra::client {

using rtc::stun::DatagramKind;

PeerTransport::PeerTransport(std::shared_ptr<const rtc::dtls::DtlsContext> dtls_context, SendFn send)
    : send_(std::move(send)),
      local_ice_(rtc::ice::generate_credentials()),
      dtls_(std::move(dtls_context), rtc::dtls::DtlsTransport::Config{rtc::dtls::Role::kClient}) {}

PeerTransport::~PeerTransport() = default;

Result<void, std::string> PeerTransport::start(const RemoteTransport& remote, TimePoint now) {
  if (state_ != State::kNew) return err(std::string("already started"));
  if (remote.fingerprint_algorithm != "sha-256") return err(std::string("only sha-256 fingerprints"));
  auto digest = crypto::parse_fingerprint(remote.fingerprint);
  if (!digest || digest->size() != crypto::digest_size(crypto::Hash::kSha256)) {
    return err(std::string("malformed fingerprint"));
  }
  dtls_.set_remote_fingerprint(crypto::Hash::kSha256, std::move(*digest));
  remote_address_ = remote.address;
  ice_.emplace(local_ice_, remote.ice, now);
  state_ = State::kChecking;
  handle_timeout(now);
  return {};
}

void PeerTransport::restart_ice(rtc::ice::Credentials local, rtc::ice::Credentials remote, TimePoint now) {
  if (state_ == State::kNew || state_ == State::kClosed) return;
  local_ice_ = std::move(local);
  ice_.emplace(local_ice_, std::move(remote), now);
  handle_timeout(now);
}

void PeerTransport::handle_datagram(MutableByteSpan datagram, const rtc::stun::Address& from, TimePoint now) {
  if (state_ == State::kNew || state_ == State::kClosed || !(from == remote_address_)) {
    ++stats_.dropped;
    return;
  }
  switch (rtc::stun::classify_datagram(datagram)) {
    case DatagramKind::kStun: {
      const auto message = rtc::stun::StunMessage::parse(datagram);
      if (message && ice_->handle_response(*message, now) && state_ == State::kChecking) {
        state_ = State::kHandshaking;
        dtls_.start(now);
        flush_dtls();
      }
      break;
    }
    case DatagramKind::kDtls:
      dtls_.handle_datagram(datagram, now);
      flush_dtls();
      poll_dtls_events();
      break;
    case DatagramKind::kRtp:
    case DatagramKind::kRtcp: {
      if (!srtp_in_) {
        ++stats_.dropped;
        break;
      }
      const bool is_rtcp = rtc::stun::classify_datagram(datagram) == DatagramKind::kRtcp;
      const auto plain = is_rtcp ? srtp_in_->unprotect_rtcp(datagram) : srtp_in_->unprotect_rtp(datagram);
      if (!plain) {
        ++stats_.dropped;
        break;
      }
      if (is_rtcp) {
        ++stats_.rtcp_in;
        if (listener_ != nullptr) listener_->on_rtcp(datagram.first(*plain), now);
        break;
      }
      auto packet = rtc::rtp::RtpPacket::parse(datagram.first(*plain));
      if (!packet) {
        ++stats_.dropped;
        break;
      }
      ++stats_.rtp_in;
      if (listener_ != nullptr) listener_->on_rtp(*packet, now);
      break;
    }
    case DatagramKind::kUnknown: ++stats_.dropped; break;
  }
}

void PeerTransport::handle_timeout(TimePoint now) {
  if (state_ == State::kNew || state_ == State::kClosed) return;
  while (auto check = ice_->poll(now)) send_(remote_address_, *check);
  if (ice_->state() == rtc::ice::IceControllingAgent::State::kFailed) {
    close("ice consent lost");
    return;
  }
  const auto deadline = dtls_.poll_timeout();
  if (deadline && *deadline <= now) {
    dtls_.handle_timeout(now);
    flush_dtls();
    poll_dtls_events();
  }
}

std::optional<TimePoint> PeerTransport::next_timeout() const {
  if (state_ == State::kNew || state_ == State::kClosed) return std::nullopt;
  auto next = ice_->next_timeout();
  const auto deadline = dtls_.poll_timeout();
  if (deadline && (!next || *deadline < *next)) next = deadline;
  return next;
}

void PeerTransport::flush_dtls() {
  while (auto datagram = dtls_.poll_datagram()) send_(remote_address_, *datagram);
}

void PeerTransport::poll_dtls_events() {
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
      if (listener_ != nullptr) listener_->on_connected();
    } else if (const auto* failed = std::get_if<rtc::dtls::Failed>(&*event)) {
      close("dtls handshake failed: " + failed->reason);
      return;
    } else {
      close("dtls closed by peer");
      return;
    }
  }
}

bool PeerTransport::send_rtp(Bytes& packet) {
  if (state_ != State::kConnected) return false;
  const std::size_t length = packet.size();
  packet.resize(length + rtc::srtp::rtp_overhead(srtp_out_->profile()));
  const auto n = srtp_out_->protect_rtp(packet, length);
  if (!n) return false;
  packet.resize(*n);
  ++stats_.rtp_out;
  send_(remote_address_, packet);
  return true;
}

bool PeerTransport::send_rtcp(Bytes& compound) {
  if (state_ != State::kConnected) return false;
  const std::size_t length = compound.size();
  compound.resize(length + rtc::srtp::rtcp_overhead(srtp_out_->profile()));
  const auto n = srtp_out_->protect_rtcp(compound, length);
  if (!n) return false;
  compound.resize(*n);
  ++stats_.rtcp_out;
  send_(remote_address_, compound);
  return true;
}

void PeerTransport::close(std::string_view reason) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnected) {
    dtls_.close();
    flush_dtls();
  }
  state_ = State::kClosed;
  if (listener_ != nullptr) listener_->on_closed(reason);
}

}  // namespace umbra::client
