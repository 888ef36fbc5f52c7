// The thread a Router's recordings write on: its own Boost.Asio io_context, so a slow or full disk
// delays only the files, never forwarding on the workers. Every RecordingPipeline of the Router
// runs here; a tick polls them so the jitter buffers release their tail without new packets.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "router/clock.h"

namespace umbra::router {

class RecordingPipeline;

class RecordingThread {
 public:
  // Finer than the jitter buffer's 100 ms hold, coarse enough to cost nothing when idle.
  static constexpr Duration kTick = std::chrono::milliseconds(20);

  RecordingThread();
  ~RecordingThread();
  RecordingThread(const RecordingThread&) = delete;
  RecordingThread& operator=(const RecordingThread&) = delete;

  // Runs fn on the recording thread (in the order posted).
  void post(std::function<void()> fn);

  // On the recording thread only: the pipelines the tick drives.
  void add(std::shared_ptr<RecordingPipeline> pipeline);
  void remove(const RecordingPipeline* pipeline);

  // Runs what was posted before, then `last` (on the thread), then joins. Idempotent.
  void stop(std::function<void()> last = {});

 private:
  void tick();

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer timer_;
  std::vector<std::shared_ptr<RecordingPipeline>> pipelines_;
  bool stopping_ = false;  // recording thread only
  std::thread thread_;
};

}  // namespace umbra::router
