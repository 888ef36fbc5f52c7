// One router worker: a thread running its own Boost.Asio io_context, one UDP socket (one port),
// the UDP mux, and the rooms pinned to it. Nothing here is shared with other workers; the only
// way in from another thread is post(), so the packet path takes no lock (the mediasoup model).
//
// Time: a 5 ms tick drives every room's handle_timeout (NACK retries, keyframe requests, RTCP
// reports, DTLS retransmissions, ICE consent), which keeps the sans-IO cores free of timers.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "router/room.h"
#include "router/udp_mux.h"
#include "router/udp_send_batch.h"
#include "rtc/dtls/dtls_context.h"

namespace umbra::router {

struct WorkerOptions {
  std::string listen_ip = "127.0.0.1";
  std::uint16_t port = 0;    // 0: an ephemeral port (tests)
  std::string rtp_dump_dir;  // `--rtp-dump`: empty for none
  // Every transport's ICE consent timeout (RFC 7675 section 5.1: 30 s).
  Duration consent_timeout = rtc::ice::kConsentTimeout;
  // Outgoing datagrams of one pass go out in one sendmmsg (UdpSendBatch); false: one sendto each.
  bool batch_sends = true;
};

// Counters a worker publishes for other threads (the Router's stats()).
struct WorkerCounters {
  std::atomic<std::uint64_t> transports{0};
  std::atomic<std::uint64_t> producers{0};
  std::atomic<std::uint64_t> consumers{0};
  std::atomic<std::uint64_t> packets_in{0};
  std::atomic<std::uint64_t> packets_out{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> packets_lost{0};
  std::atomic<std::uint64_t> datagrams_unroutable{0};
  std::atomic<std::uint64_t> datagrams_malformed{0};
  // Bookkeeping (tests check that nothing outlives its session).
  std::atomic<std::uint64_t> rooms{0};
  std::atomic<std::uint64_t> transport_ids{0};
  std::atomic<std::uint64_t> consumer_ids{0};
};

class Worker {
 public:
  // Binds the socket (throws boost::system::system_error if the port is taken).
  Worker(int index, const WorkerOptions& options, std::shared_ptr<const rtc::dtls::DtlsContext> dtls);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  void stop();

  int index() const { return index_; }
  std::uint16_t port() const { return port_; }
  const WorkerCounters& counters() const { return counters_; }
  // CPU time the worker thread has used (for the load benchmark), 0 if not running.
  double cpu_seconds() const;

  // Runs fn on the worker thread.
  void post(std::function<void()> fn);

  // The following run on the worker thread only.
  Room& room(const std::string& room_id);  // created (placed on this worker) if missing
  Room* find_room(const std::string& room_id);
  Room* room_of_transport(const std::string& transport_id);
  Room* room_of_consumer(const std::string& consumer_id);
  WebRtcTransport& create_transport(const std::string& room_id, const std::string& transport_id);
  // ICE restart: new credentials, routed by the mux from now on.
  std::optional<rtc::ice::Credentials> restart_ice(const std::string& transport_id, std::string remote_ufrag);
  // Called on the worker thread when a transport is gone (closed by the peer, consent expiry,
  // DTLS failure, or close_transport), with the reason.
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)> fn) {
    on_transport_closed_ = std::move(fn);
  }
  // Asked on the worker thread (in the tick) before an empty room (Room::empty()) is dropped;
  // false keeps it for another tick. Without a handler, empty rooms are dropped.
  void set_on_room_idle(std::function<bool(const std::string& room_id)> fn) { on_room_idle_ = std::move(fn); }
  // A consumer added to a room, remembered for room_of_consumer until its transport closes.
  void note_consumer(const std::string& consumer_id, const std::string& room_id,
                     const std::string& transport_id) {
    consumer_rooms_[consumer_id] = room_id;
    transport_consumers_[transport_id].push_back(consumer_id);
  }

 private:
  void receive();
  void tick();
  void send(const rtc::stun::Address& to, ByteSpan datagram);
  void publish_counters();
  void on_datagram(std::size_t size);

  int index_;
  WorkerOptions options_;
  std::shared_ptr<const rtc::dtls::DtlsContext> dtls_;
  boost::asio::io_context io_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  // Made once the socket is open; declared before the rooms so it outlives anything that sends.
  std::optional<UdpSendBatch> batch_;

  UdpMux mux_;
  std::map<std::string, std::unique_ptr<Room>> rooms_;
  std::map<std::string, std::string> transport_rooms_;
  std::map<std::string, std::string> consumer_rooms_;
  std::map<std::string, std::vector<std::string>> transport_consumers_;
  std::array<std::uint8_t, 65536> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  WorkerCounters counters_;
  std::function<void(const std::string&, const std::string&)> on_transport_closed_;
  std::function<bool(const std::string&)> on_room_idle_;
};

}  // namespace umbra::router
