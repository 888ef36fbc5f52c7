#include "client/udp_peer.h"

#include "net/udp_endpoint.h"

namespace umbra::client {

namespace asio = boost::asio;
using asio::ip::udp;
using net::to_endpoint;
using net::to_stun;

UdpPeer::UdpPeer(asio::io_context& io, std::shared_ptr<const rtc::dtls::DtlsContext> dtls,
                 const std::string& local_ip)
    : socket_(io),
      timer_(io),
      transport_(std::move(dtls), [this](const rtc::stun::Address& to, ByteSpan d) { send(to, d); }) {
  const udp::endpoint bind(asio::ip::make_address(local_ip), 0);
  socket_.open(bind.protocol());
  socket_.bind(bind);
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::receive_buffer_size(1024 * 1024), ignored);
  port_ = socket_.local_endpoint().port();
}

UdpPeer::~UdpPeer() {
  // timer_.cancel() throws only if the reactor itself fails; a destructor has nobody to report that
  // to, and the socket is closed by its own destructor anyway.
  try {
    stop();
  } catch (...) {
  }
}

Result<void, std::string> UdpPeer::start(const RemoteTransport& remote) {
  auto started = transport_.start(remote, std::chrono::steady_clock::now());
  if (!started) return started;
  running_ = true;
  receive();
  tick();
  return {};
}

void UdpPeer::stop() {
  if (!running_) return;
  running_ = false;
  boost::system::error_code ec;
  timer_.cancel();
  socket_.close(ec);
}

void UdpPeer::receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [this](boost::system::error_code ec, std::size_t n) {
                               if (ec || !running_) return;
                               transport_.handle_datagram(MutableByteSpan(buffer_.data(), n),
                                                          to_stun(sender_), std::chrono::steady_clock::now());
                               receive();
                             });
}

void UdpPeer::tick() {
  transport_.handle_timeout(std::chrono::steady_clock::now());
  timer_.expires_after(std::chrono::milliseconds(5));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && running_) tick();
  });
}

void UdpPeer::send(const rtc::stun::Address& to, ByteSpan datagram) {
  if (send_filter_ && !send_filter_(datagram)) return;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), to_endpoint(to), 0, ec);
}

}  // namespace umbra::client
