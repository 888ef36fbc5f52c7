#include "router/udp_mux.h"

#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "router/webrtc_transport.h"

namespace umbra::router {
namespace {

const TimePoint kT0 = TimePoint{} + std::chrono::seconds(10);
const rtc::stun::Address kPeer = rtc::stun::Address::ipv4({192, 0, 2, 7}, 40000);

struct Fixture {
  crypto::Certificate cert = crypto::Certificate::generate("router");
  std::shared_ptr<const rtc::dtls::DtlsContext> ctx = std::make_shared<const rtc::dtls::DtlsContext>(cert);
  WebRtcTransport a{"a", ctx, [](const rtc::stun::Address&, ByteSpan) {}, kT0};
  WebRtcTransport b{"b", ctx, [](const rtc::stun::Address&, ByteSpan) {}, kT0};
  UdpMux mux;
  Fixture() {
    mux.add(a);
    mux.add(b);
  }
};

Bytes check_for(const WebRtcTransport& t) {
  rtc::stun::StunMessage m(rtc::stun::MessageClass::kRequest, rtc::stun::kMethodBinding, {});
  m.add_username(t.ice_credentials().ufrag + ":peer");
  m.add_message_integrity(as_bytes(t.ice_credentials().pwd));
  m.add_fingerprint();
  return Bytes(m.bytes().begin(), m.bytes().end());
}

TEST(UdpMux, RoutesAFirstCheckByTheUfragInItsUsername) {
  Fixture f;
  EXPECT_EQ(f.mux.route(check_for(f.b), kPeer), &f.b);
  EXPECT_EQ(f.mux.route(check_for(f.a), kPeer), &f.a);
}

TEST(UdpMux, DropsMediaFromAnAddressThatNeverPassedACheck) {
  Fixture f;
  const Bytes rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(f.mux.route(rtp, kPeer), nullptr);
  EXPECT_EQ(f.mux.unroutable(), 1u);
}

TEST(UdpMux, RoutesEverythingFromALearnedAddress) {
  Fixture f;
  f.mux.learn(kPeer, f.b);
  const Bytes rtp = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(f.mux.route(rtp, kPeer), &f.b);
}

TEST(UdpMux, ForgetsARemovedTransport) {
  Fixture f;
  f.mux.learn(kPeer, f.b);
  f.mux.remove(f.b);
  EXPECT_EQ(f.mux.route(check_for(f.b), kPeer), nullptr);
  EXPECT_EQ(f.mux.transports(), 1u);
}

TEST(UdpMux, IgnoresAnUnknownUfrag) {
  Fixture f;
  rtc::stun::StunMessage m(rtc::stun::MessageClass::kRequest, rtc::stun::kMethodBinding, {});
  m.add_username("nobody:peer");
  EXPECT_EQ(f.mux.route(m.bytes(), kPeer), nullptr);
}

}  // namespace
}  // namespace umbra::router
