#include "router/udp_mux.h"

#include <string_view>

#include "router/webrtc_transport.h"
#include "rtc/ice/credentials.h"
#include "rtc/stun/demux.h"

namespace umbra::router {

std::size_t UdpMux::AddressHash::operator()(const rtc::stun::Address& a) const {
  // FNV-1a over the bytes that identify the address.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  mix(static_cast<std::uint8_t>(a.family));
  for (std::size_t i = 0; i < a.ip_size(); ++i) mix(a.ip[i]);
  mix(static_cast<std::uint8_t>(a.port >> 8));
  mix(static_cast<std::uint8_t>(a.port));
  return static_cast<std::size_t>(h);
}

void UdpMux::add(WebRtcTransport& transport) {
  by_ufrag_[transport.ice_credentials().ufrag] = &transport;
}

void UdpMux::add_ufrag(const std::string& ufrag, WebRtcTransport& transport) {
  by_ufrag_[ufrag] = &transport;
}

void UdpMux::remove(const WebRtcTransport& transport) {
  std::erase_if(by_ufrag_, [&](const auto& entry) { return entry.second == &transport; });
  std::erase_if(by_address_, [&](const auto& entry) { return entry.second == &transport; });
}

WebRtcTransport* UdpMux::route(ByteSpan datagram, const rtc::stun::Address& from) {
  const auto known = by_address_.find(from);
  if (known != by_address_.end()) return known->second;
  if (rtc::stun::is_stun(datagram)) {
    const auto message = rtc::stun::StunMessage::parse(datagram);
    if (message) {
      if (const auto username = message->username()) {
        if (const auto parts = rtc::ice::split_username(*username)) {
          const auto it = by_ufrag_.find(std::string(parts->local));
          if (it != by_ufrag_.end()) return it->second;
        }
      }
    }
  }
  ++unroutable_;
  return nullptr;
}

void UdpMux::learn(const rtc::stun::Address& from, WebRtcTransport& transport) {
  by_address_[from] = &transport;
}

}  // namespace umbra::router
