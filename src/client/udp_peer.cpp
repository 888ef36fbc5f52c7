#include "client/udp_peer.h"

namespace umbra::client {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

rtc::stun::Address to_stun(const udp::endpoint& e) {
  const auto a = e.address();
  if (a.is_v4()) return rtc::stun::Address::ipv4(a.to_v4().to_bytes(), e.port());
  return rtc::stun::Address::ipv6(a.to_v6().to_bytes(), e.port());
}

udp::endpoint to_endpoint(const rtc::stun::Address& a) {
  if (a.family == rtc::stun::Address::Family::kIpv4) {
    return {asio::ip::address_v4({a.ip[0], a.ip[1], a.ip[2], a.ip[3]}), a.port};
  }
  return {asio::ip::address_v6(a.ip), a.port};
}

}  // namespace

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
  stop();
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
