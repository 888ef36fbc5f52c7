// The bound on packets a room has handed to the recording thread and the thread has not written
// yet. Forwarding must never wait for a disk: when the recording thread falls behind (a slow or
// full disk), packets beyond the limit are dropped here instead of queued, and counted. The
// recorder's jitter buffer then sees them as loss and asks for a key frame, as after network loss.
//
// Shared by two threads, lock-free: the worker reserves a slot per packet, the recording thread
// releases it once the packet is written.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace umbra::router {

class RecordingBacklog {
 public:
  // About 6 s of a 2.5 Mbit/s video stream in MTU-sized packets: at most ~6 MB held per archive.
  static constexpr std::size_t kDefaultLimit = 4096;

  explicit RecordingBacklog(std::size_t limit = kDefaultLimit) : limit_(limit) {}

  // Worker thread: a slot for one more packet, or false (counted as dropped) when the backlog is full.
  bool try_reserve();
  // Recording thread: a packet reserved earlier has been handled.
  void release();

  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t limit() const { return limit_; }

 private:
  std::size_t limit_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace umbra::router
