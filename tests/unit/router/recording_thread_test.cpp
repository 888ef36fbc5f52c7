// The recording thread's shutdown: everything posted before stop() runs, `last` runs after it, and
// stop() returns even when the tick's timer fired while the thread was busy (a slow disk write).
#include "router/recording_thread.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace umbra::router {
namespace {

TEST(RecordingThread, RunsWhatWasPostedThenTheLastTaskThenJoins) {
  std::vector<int> order;  // written on the recording thread, read after join
  RecordingThread thread;
  thread.post([&] { order.push_back(1); });
  thread.post([&] { order.push_back(2); });
  thread.stop([&] { order.push_back(3); });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  thread.stop();  // idempotent
}

// A task longer than the tick makes the timer fire behind the stop task: its handler then runs with
// no error after the timer was cancelled. It must not re-arm, or stop() would wait forever (this
// hung the Router's destructor under load before the fix).
TEST(RecordingThread, StopsWhenTheTickFiredDuringASlowTask) {
  for (int i = 0; i < 5; ++i) {
    RecordingThread thread;
    thread.post([] { std::this_thread::sleep_for(RecordingThread::kTick * 4); });
    // stop() is posted while the slow task runs, so the reactor reaps the expired timer (queueing
    // its handler) before the stop task gets to cancel it.
    std::this_thread::sleep_for(RecordingThread::kTick);
    bool last_ran = false;
    thread.stop([&] { last_ran = true; });
    EXPECT_TRUE(last_ran);
  }
}

}  // namespace
}  // namespace umbra::router
