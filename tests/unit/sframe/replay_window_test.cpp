#include <gtest/gtest.h>

#include <limits>

#include "sframe/replay_window.h"

namespace umbra::sframe {
namespace {

TEST(ReplayWindow, AcceptsAnyCounterWhenEmpty) {
  ReplayWindow window;
  EXPECT_TRUE(window.accepts(0));
  EXPECT_TRUE(window.accepts(12345));
  EXPECT_TRUE(window.accepts(std::numeric_limits<std::uint64_t>::max()));
}

TEST(ReplayWindow, RejectsACounterSeenBefore) {
  ReplayWindow window;
  window.mark(10);
  EXPECT_FALSE(window.accepts(10));
  EXPECT_TRUE(window.accepts(11));
  EXPECT_TRUE(window.accepts(9));
}

TEST(ReplayWindow, AcceptsOutOfOrderCountersOnceEach) {
  ReplayWindow window;
  window.mark(100);
  EXPECT_TRUE(window.accepts(50));
  window.mark(50);
  EXPECT_FALSE(window.accepts(50));
  EXPECT_TRUE(window.accepts(51));
}

TEST(ReplayWindow, HoldsAtLeast128Counters) {
  ReplayWindow window;
  window.mark(1000);
  EXPECT_TRUE(window.accepts(1000 - 127));
  EXPECT_FALSE(window.accepts(1000 - ReplayWindow::kSize));
}

TEST(ReplayWindow, SlidesForwardAndForgetsWhatFellOut) {
  ReplayWindow window;
  for (std::uint64_t c = 0; c < 10; ++c) window.mark(c);
  window.mark(200);  // slides by 191: counters 0..72 are now too old
  EXPECT_FALSE(window.accepts(5));
  EXPECT_FALSE(window.accepts(200));
  EXPECT_TRUE(window.accepts(199));
  EXPECT_TRUE(window.accepts(200 - 127));
}

TEST(ReplayWindow, KeepsMarksAcrossASmallSlide) {
  ReplayWindow window;
  window.mark(10);
  window.mark(12);
  window.mark(20);
  EXPECT_FALSE(window.accepts(10));
  EXPECT_FALSE(window.accepts(12));
  EXPECT_TRUE(window.accepts(11));
  EXPECT_TRUE(window.accepts(19));
}

TEST(ReplayWindow, HandlesTheLargestCounter) {
  ReplayWindow window;
  const auto top = std::numeric_limits<std::uint64_t>::max();
  window.mark(0);
  window.mark(top);
  EXPECT_FALSE(window.accepts(top));
  EXPECT_TRUE(window.accepts(top - 1));
  EXPECT_FALSE(window.accepts(0));
}

}  // namespace
}  // namespace umbra::sframe
