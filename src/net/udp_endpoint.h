// Conversions between Asio UDP endpoints (the socket shells in src/router and src/client) and the
// sans-IO address type the protocol code uses (rtc::stun::Address). Header-only: the shells are the
// only code that sees Asio.
#pragma once

#include <boost/asio/ip/udp.hpp>

#include "rtc/stun/message.h"

namespace umbra::net {

inline rtc::stun::Address to_stun(const boost::asio::ip::udp::endpoint& e) {
  const auto a = e.address();
  if (a.is_v4()) return rtc::stun::Address::ipv4(a.to_v4().to_bytes(), e.port());
  return rtc::stun::Address::ipv6(a.to_v6().to_bytes(), e.port());
}

inline boost::asio::ip::udp::endpoint to_endpoint(const rtc::stun::Address& a) {
  namespace ip = boost::asio::ip;
  if (a.family == rtc::stun::Address::Family::kIpv4) {
    return {ip::address_v4({a.ip[0], a.ip[1], a.ip[2], a.ip[3]}), a.port};
  }
  return {ip::address_v6(a.ip), a.port};
}

}  // namespace umbra::net
