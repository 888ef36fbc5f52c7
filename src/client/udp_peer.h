// The native peer's I/O shell: a PeerTransport on its own UDP socket, driven by the caller's
// Boost.Asio io_context (received datagrams and a 5 ms tick for its timers). Everything runs on
// that io_context's thread; the sans-IO PeerTransport stays testable on its own.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "client/peer_transport.h"

namespace umbra::client {

class UdpPeer {
 public:
  // Binds an ephemeral port on local_ip.
  UdpPeer(boost::asio::io_context& io, std::shared_ptr<const rtc::dtls::DtlsContext> dtls,
          const std::string& local_ip = "127.0.0.1");
  ~UdpPeer();
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  PeerTransport& transport() { return transport_; }
  std::uint16_t port() const { return port_; }

  // Starts ICE/DTLS towards the router and the receive loop and tick.
  Result<void, std::string> start(const RemoteTransport& remote);
  void stop();

  // Optional: each datagram the peer is about to send is offered here first; returning false
  // drops it (tests inject loss with it).
  void set_send_filter(std::function<bool(ByteSpan)> filter) { send_filter_ = std::move(filter); }

 private:
  void receive();
  void tick();
  void send(const rtc::stun::Address& to, ByteSpan datagram);

  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  PeerTransport transport_;
  std::uint16_t port_ = 0;
  std::array<std::uint8_t, 65536> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  std::function<bool(ByteSpan)> send_filter_;
  bool running_ = false;
};

}  // namespace umbra::client
