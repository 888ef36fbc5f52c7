#include "router/recording_backlog.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

TEST(RecordingBacklog, DropsAndCountsPacketsBeyondTheLimitInsteadOfQueueingThem) {
  RecordingBacklog backlog(3);
  EXPECT_TRUE(backlog.try_reserve());
  EXPECT_TRUE(backlog.try_reserve());
  EXPECT_TRUE(backlog.try_reserve());
  EXPECT_FALSE(backlog.try_reserve());
  EXPECT_FALSE(backlog.try_reserve());
  EXPECT_EQ(backlog.pending(), 3U);
  EXPECT_EQ(backlog.dropped(), 2U);
}

TEST(RecordingBacklog, AcceptsPacketsAgainOnceTheRecordingThreadCatchesUp) {
  RecordingBacklog backlog(2);
  ASSERT_TRUE(backlog.try_reserve());
  ASSERT_TRUE(backlog.try_reserve());
  ASSERT_FALSE(backlog.try_reserve());
  backlog.release();
  EXPECT_TRUE(backlog.try_reserve());
  EXPECT_EQ(backlog.pending(), 2U);
  EXPECT_EQ(backlog.dropped(), 1U);
}

}  // namespace
}  // namespace umbra::router
