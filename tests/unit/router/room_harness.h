// A room behind one UdpMux on the in-memory network, with native peers (the src/client stack) each
// connected over its own WebRtcTransport, in simulated time. Tests derive their peer from RoomPeer
// (what it keeps of the media) and their harness from RoomHarness (how it publishes and subscribes).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/peer_transport.h"
#include "crypto/certificate.h"
#include "memory_network.h"
#include "router/room.h"
#include "router/udp_mux.h"

namespace umbra::router::testing {

struct RoomPeer : client::PeerTransport::Listener {
  rtc::stun::Address address;
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::PeerTransport transport;
  std::string transport_id;

  RoomPeer(MemoryNetwork& net, rtc::stun::Address addr)
      : address(addr), transport(std::make_shared<const rtc::dtls::DtlsContext>(cert), net.sender(addr)) {
    transport.set_listener(this);
  }
};

template <typename PeerType>
struct RoomHarness {
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  std::shared_ptr<const rtc::dtls::DtlsContext> router_ctx =
      std::make_shared<const rtc::dtls::DtlsContext>(router_cert);
  MemoryNetwork net;
  rtc::stun::Address router_addr = MemoryNetwork::address(1, 7881);
  Room room{"room-1"};
  UdpMux mux;
  TimePoint now = TimePoint{} + std::chrono::seconds(1000);
  std::vector<std::unique_ptr<PeerType>> peers;

  RoomHarness() {
    net.attach(router_addr, [this](MutableByteSpan d, const rtc::stun::Address& from) {
      WebRtcTransport* t = mux.route(d, from);
      if (t != nullptr && t->handle_datagram(d, from, now)) mux.learn(from, *t);
    });
  }

  // A peer with its transport in the room, connecting (settle() or a few step()s finish the handshakes).
  PeerType& add_peer() {
    const auto host = static_cast<std::uint8_t>(10 + peers.size());
    auto peer = std::make_unique<PeerType>(net, MemoryNetwork::address(host, 50000));
    PeerType* raw = peer.get();
    net.attach(peer->address, [this, raw](MutableByteSpan d, const rtc::stun::Address& from) {
      raw->transport.handle_datagram(d, from, now);
    });
    peer->transport_id = "t" + std::to_string(host);
    auto& t = room.add_transport(
        std::make_unique<WebRtcTransport>(peer->transport_id, router_ctx, net.sender(router_addr), now));
    mux.add(t);
    EXPECT_TRUE(t.connect("sha-256", peer->cert.fingerprint_text(), now));
    EXPECT_TRUE(peer->transport.start(
        {router_addr, t.ice_credentials(), "sha-256", router_cert.fingerprint_text()}, now));
    peers.push_back(std::move(peer));
    return *raw;
  }

  void step(Duration d = std::chrono::milliseconds(10)) {
    net.run();
    now += d;
    room.handle_timeout(now);
    for (auto& p : peers) p->transport.handle_timeout(now);
    net.run();
  }

  void settle() {
    for (int i = 0; i < 30; ++i) step();
  }
};

}  // namespace umbra::router::testing
