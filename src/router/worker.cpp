#include "router/worker.h"

#include <boost/asio/post.hpp>
#include <filesystem>

#include <pthread.h>
#include <time.h>

#include "common/log.h"
#include "net/udp_endpoint.h"

namespace umbra::router {

namespace asio = boost::asio;
using asio::ip::udp;
using net::to_stun;

namespace {

constexpr auto kTick = std::chrono::milliseconds(5);
constexpr int kSocketBuffer = 4 * 1024 * 1024;

}  // namespace

Worker::Worker(int index, const WorkerOptions& options, std::shared_ptr<const rtc::dtls::DtlsContext> dtls)
    : index_(index), options_(options), dtls_(std::move(dtls)), socket_(io_), timer_(io_) {
  const udp::endpoint bind(asio::ip::make_address(options.listen_ip), options.port);
  socket_.open(bind.protocol());
  socket_.bind(bind);
  // One socket carries every participant of the worker: a short descheduling of the thread must
  // not overflow the default ~200 KB buffers. The kernel caps this at net.core.rmem_max/wmem_max.
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::receive_buffer_size(kSocketBuffer), ignored);
  socket_.set_option(asio::socket_base::send_buffer_size(kSocketBuffer), ignored);
  port_ = socket_.local_endpoint().port();
  batch_.emplace(socket_.native_handle(),
                 options.batch_sends ? UdpSendBatch::Mode::kSendmmsg : UdpSendBatch::Mode::kSendto);
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  receive();
  tick();
  thread_ = std::thread([this] { io_.run(); });
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  io_.stop();
  thread_.join();
}

double Worker::cpu_seconds() const {
  if (!thread_.joinable()) return 0;
  clockid_t clock{};
  // native_handle() is not const in libstdc++, but reading the clock id changes nothing.
  if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0) return 0;
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void Worker::post(std::function<void()> fn) {
  // A posted task may send (a close_notify, a keyframe request): its datagrams leave with it.
  asio::post(io_, [this, fn = std::move(fn)] {
    fn();
    batch_->flush();
  });
}

void Worker::receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_,
                             [this](boost::system::error_code ec, std::size_t n) {
                               if (ec == asio::error::operation_aborted) return;
                               if (!ec) on_datagram(n);
                               receive();
                             });
}

void Worker::on_datagram(std::size_t size) {
  const auto from = to_stun(sender_);
  const MutableByteSpan datagram(buffer_.data(), size);
  WebRtcTransport* t = mux_.route(datagram, from);
  if (t != nullptr && t->handle_datagram(datagram, from, Clock::now())) mux_.learn(from, *t);
  // One pass: a published packet's copies to every subscriber (and any feedback) in one syscall.
  batch_->flush();
}

void Worker::send(const rtc::stun::Address& to, ByteSpan datagram) {
  // UDP: a full socket buffer or an unreachable peer loses this one datagram, like the network
  // would (UdpSendBatch counts it).
  batch_->send(to, datagram);
}

void Worker::tick() {
  const TimePoint now = Clock::now();
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    it->second->handle_timeout(now);
    // The facade is asked first: a transport for this room may be on its way to this thread.
    const bool drop = it->second->empty() && (!on_room_idle_ || on_room_idle_(it->first));
    it = drop ? rooms_.erase(it) : std::next(it);
  }
  batch_->flush();
  publish_counters();
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void Worker::publish_counters() {
  RoomStats sum;
  for (const auto& [id, room] : rooms_) {
    const RoomStats s = room->stats();
    sum.transports += s.transports;
    sum.producers += s.producers;
    sum.consumers += s.consumers;
    sum.packets_in += s.packets_in;
    sum.packets_out += s.packets_out + s.rtx_sent;
    sum.bytes_in += s.bytes_in;
    sum.bytes_out += s.bytes_out;
    sum.packets_lost += s.packets_lost;
    sum.dropped_malformed += s.dropped_malformed;
  }
  // Rooms come and go, so per-room totals are folded in as they are now; a closed room's
  // history leaves the totals (the stats are a live view, not an audit log).
  counters_.transports = sum.transports;
  counters_.producers = sum.producers;
  counters_.consumers = sum.consumers;
  counters_.packets_in = sum.packets_in;
  counters_.packets_out = sum.packets_out;
  counters_.bytes_in = sum.bytes_in;
  counters_.bytes_out = sum.bytes_out;
  counters_.packets_lost = sum.packets_lost;
  counters_.datagrams_malformed = sum.dropped_malformed;
  counters_.datagrams_unroutable = mux_.unroutable();
  counters_.rooms = rooms_.size();
  counters_.transport_ids = transport_rooms_.size();
  counters_.consumer_ids = consumer_rooms_.size();
}

Room& Worker::room(const std::string& room_id) {
  auto& slot = rooms_[room_id];
  if (!slot) {
    slot = std::make_unique<Room>(room_id);
    slot->set_on_transport_removed([this](const WebRtcTransport& t, const std::string& reason) {
      mux_.remove(t);
      transport_rooms_.erase(t.id());
      // The room has removed the transport's consumers already; forget their ids too.
      if (const auto c = transport_consumers_.find(t.id()); c != transport_consumers_.end()) {
        for (const auto& consumer_id : c->second) consumer_rooms_.erase(consumer_id);
        transport_consumers_.erase(c);
      }
      if (on_transport_closed_) on_transport_closed_(t.id(), reason);
    });
  }
  return *slot;
}

Room* Worker::find_room(const std::string& room_id) {
  const auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : it->second.get();
}

Room* Worker::room_of_transport(const std::string& transport_id) {
  const auto it = transport_rooms_.find(transport_id);
  if (it == transport_rooms_.end()) return nullptr;
  const auto room = rooms_.find(it->second);
  return room == rooms_.end() ? nullptr : room->second.get();
}

std::optional<rtc::ice::Credentials> Worker::restart_ice(const std::string& transport_id,
                                                         std::string remote_ufrag) {
  Room* r = room_of_transport(transport_id);
  WebRtcTransport* t = r != nullptr ? r->transport(transport_id) : nullptr;
  if (t == nullptr) return std::nullopt;
  const rtc::ice::Credentials creds = t->restart_ice(std::move(remote_ufrag));
  mux_.add_ufrag(creds.ufrag, *t);
  return creds;
}

Room* Worker::room_of_consumer(const std::string& consumer_id) {
  const auto it = consumer_rooms_.find(consumer_id);
  if (it == consumer_rooms_.end()) return nullptr;
  const auto room = rooms_.find(it->second);
  return room == rooms_.end() ? nullptr : room->second.get();
}

WebRtcTransport& Worker::create_transport(const std::string& room_id, const std::string& transport_id) {
  const TimePoint now = Clock::now();
  auto transport = std::make_unique<WebRtcTransport>(
      transport_id, dtls_, [this](const rtc::stun::Address& to, ByteSpan d) { send(to, d); }, now,
      options_.consent_timeout);
  if (!options_.rtp_dump_dir.empty()) {
    const auto path = (std::filesystem::path(options_.rtp_dump_dir) / (transport_id + ".pcap")).string();
    auto file = PcapFile::create(path);
    if (file) {
      PcapEndpoint local;
      const auto ip = socket_.local_endpoint().address();
      if (ip.is_v4()) local.ip = ip.to_v4().to_bytes();
      local.port = port_;
      transport->set_rtp_dump(std::move(*file), local, now);
    } else {
      log::warn("router", "rtp dump disabled for transport",
                {{"transport", transport_id}, {"error", file.error()}});
    }
  }
  WebRtcTransport& t = room(room_id).add_transport(std::move(transport));
  mux_.add(t);
  transport_rooms_[transport_id] = room_id;
  return t;
}

}  // namespace umbra::router
