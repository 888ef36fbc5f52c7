#include "router/recording_thread.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "router/recording_pipeline.h"

namespace umbra::router {

namespace asio = boost::asio;

RecordingThread::RecordingThread() : work_(asio::make_work_guard(io_)), timer_(io_) {
  tick();
  thread_ = std::thread([this] { io_.run(); });
}

RecordingThread::~RecordingThread() {
  stop();
}

void RecordingThread::post(std::function<void()> fn) {
  asio::post(io_, std::move(fn));
}

void RecordingThread::add(std::shared_ptr<RecordingPipeline> pipeline) {
  pipelines_.push_back(std::move(pipeline));
}

void RecordingThread::remove(const RecordingPipeline* pipeline) {
  std::erase_if(pipelines_, [&](const auto& p) { return p.get() == pipeline; });
}

void RecordingThread::tick() {
  // A tick whose timer had already fired when stop() cancelled it still runs (with no error): it
  // must not re-arm, or the io_context never runs out of work and join() waits forever.
  if (stopping_) return;
  const TimePoint now = Clock::now();
  // A copy: a pipeline's tick may remove it (or another) from the list.
  for (const auto& p : std::vector(pipelines_)) p->tick(now);
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void RecordingThread::stop(std::function<void()> last) {
  if (!thread_.joinable()) return;
  // Posted behind everything already queued (packets included), so `last` sees them written.
  post([this, last = std::move(last)] {
    if (last) last();
    stopping_ = true;
    timer_.cancel();
    pipelines_.clear();
    work_.reset();
  });
  thread_.join();
}

}  // namespace umbra::router
