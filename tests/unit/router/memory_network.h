// An in-memory datagram network for driving the router's and the native peer's sans-IO
// transports against each other in tests: deterministic delivery, simulated time, optional loss.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <random>

#include "common/bytes.h"
#include "rtc/stun/message.h"

namespace umbra::router::testing {

class MemoryNetwork {
 public:
  using Handler = std::function<void(MutableByteSpan datagram, const rtc::stun::Address& from)>;

  static rtc::stun::Address address(std::uint8_t host, std::uint16_t port) {
    return rtc::stun::Address::ipv4({127, 0, 0, host}, port);
  }

  void attach(const rtc::stun::Address& at, Handler handler) { handlers_[key(at)] = std::move(handler); }

  // A sender bound to `from`, for the transports' SendFn.
  std::function<void(const rtc::stun::Address&, ByteSpan)> sender(const rtc::stun::Address& from) {
    return [this, from](const rtc::stun::Address& to, ByteSpan bytes) {
      queue_.push_back({from, to, Bytes(bytes.begin(), bytes.end())});
    };
  }

  // Drops each datagram matching `filter` with probability `p` (seeded, so runs repeat).
  void set_loss(double p, std::function<bool(const rtc::stun::Address& from, ByteSpan)> filter) {
    loss_ = p;
    loss_filter_ = std::move(filter);
  }
  std::uint64_t dropped() const { return dropped_; }

  // Delivers everything queued, including what the deliveries themselves send.
  void run() {
    while (!queue_.empty()) {
      Datagram d = std::move(queue_.front());
      queue_.pop_front();
      if (loss_ > 0 && loss_filter_ && loss_filter_(d.from, d.bytes) && dist_(rng_) < loss_) {
        ++dropped_;
        continue;
      }
      const auto it = handlers_.find(key(d.to));
      if (it != handlers_.end()) it->second(d.bytes, d.from);
    }
  }

 private:
  struct Datagram {
    rtc::stun::Address from;
    rtc::stun::Address to;
    Bytes bytes;
  };
  static std::uint64_t key(const rtc::stun::Address& a) {
    return (std::uint64_t{a.ip[0]} << 40) | (std::uint64_t{a.ip[1]} << 32) | (std::uint64_t{a.ip[2]} << 24) |
           (std::uint64_t{a.ip[3]} << 16) | a.port;
  }

  std::map<std::uint64_t, Handler> handlers_;
  std::deque<Datagram> queue_;
  double loss_ = 0;
  std::function<bool(const rtc::stun::Address&, ByteSpan)> loss_filter_;
  std::mt19937 rng_{12345};
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
  std::uint64_t dropped_ = 0;
};

}  // namespace umbra::router::testing
