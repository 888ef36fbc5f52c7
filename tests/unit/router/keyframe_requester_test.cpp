#include "router/keyframe_requester.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 10s;

TEST(KeyframeRequester, ManyConsumerRequestsBecomeOneUpstream) {
  KeyframeRequester req;
  for (int i = 0; i < 20; ++i) req.request();
  EXPECT_TRUE(req.poll(kT0));
  for (int i = 0; i < 20; ++i) req.request();
  EXPECT_FALSE(req.poll(kT0 + 100ms));
  EXPECT_EQ(req.sent_total(), 1u);
}

TEST(KeyframeRequester, AKeyframeAnswersEveryoneWaiting) {
  KeyframeRequester req;
  req.request();
  ASSERT_TRUE(req.poll(kT0));
  req.request();
  req.on_keyframe();
  EXPECT_FALSE(req.poll(kT0 + 1s));
  EXPECT_FALSE(req.next_timeout());
}

TEST(KeyframeRequester, RepeatsAnUnansweredRequestAfterTheInterval) {
  KeyframeRequester req(false, 500ms);
  req.request();
  ASSERT_TRUE(req.poll(kT0));
  EXPECT_EQ(req.next_timeout(), kT0 + 500ms);
  EXPECT_FALSE(req.poll(kT0 + 499ms));
  EXPECT_TRUE(req.poll(kT0 + 500ms));
}

TEST(KeyframeRequester, RateLimitsRequestsAfterAKeyframe) {
  KeyframeRequester req(false, 500ms);
  req.request();
  ASSERT_TRUE(req.poll(kT0));
  req.on_keyframe();
  req.request();
  EXPECT_FALSE(req.poll(kT0 + 200ms));
  EXPECT_TRUE(req.poll(kT0 + 500ms));
}

TEST(KeyframeRequester, FirSequenceAdvancesOnlyForNewRequests) {
  KeyframeRequester req(true, 500ms);
  req.request();
  const auto first = req.poll(kT0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, KeyframeRequest::Kind::kFir);
  const auto repeat = req.poll(kT0 + 500ms);
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->fir_seq, first->fir_seq);
  req.on_keyframe();
  req.request();
  const auto next = req.poll(kT0 + 1s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->fir_seq, static_cast<std::uint8_t>(first->fir_seq + 1));
}

}  // namespace
}  // namespace umbra::router
