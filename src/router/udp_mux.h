// Many transports on one UDP port (DESIGN.md section 1): which transport a datagram is for.
//
// A known source address (5-tuple: our socket is fixed, so the remote address suffices) maps
// straight to its transport. Anything else must be a STUN check whose USERNAME starts with a
// transport's ICE ufrag (RFC 8445 section 7.2.2); only once that transport has accepted the check
// does the mux learn the address, so media from an address that never passed a check is dropped.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "rtc/stun/message.h"

namespace umbra::router {

class WebRtcTransport;

class UdpMux {
 public:
  void add(WebRtcTransport& transport);
  // Forgets the transport, its ufrag and every address learned for it.
  void remove(const WebRtcTransport& transport);
  // After an ICE restart the transport answers to a new ufrag; the old one stays until remove().
  void add_ufrag(const std::string& ufrag, WebRtcTransport& transport);

  // The transport this datagram belongs to, or nullptr (counted) when none.
  WebRtcTransport* route(ByteSpan datagram, const rtc::stun::Address& from);
  // The transport accepted a check from this address.
  void learn(const rtc::stun::Address& from, WebRtcTransport& transport);

  std::size_t transports() const { return by_ufrag_.size(); }
  std::uint64_t unroutable() const { return unroutable_; }

 private:
  struct AddressHash {
    std::size_t operator()(const rtc::stun::Address& a) const;
  };
  std::unordered_map<std::string, WebRtcTransport*> by_ufrag_;
  std::unordered_map<rtc::stun::Address, WebRtcTransport*, AddressHash> by_address_;
  std::uint64_t unroutable_ = 0;
};

}  // namespace umbra::router
