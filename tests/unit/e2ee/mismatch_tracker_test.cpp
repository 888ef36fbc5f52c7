#include "e2ee/mismatch_tracker.h"

#include <gtest/gtest.h>

namespace umbra::e2ee {
namespace {

using std::chrono::milliseconds;

const TimePoint t0{};

TEST(MismatchTracker, SaysNothingWhileFramesOpen) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_opened(t0));
  EXPECT_FALSE(tracker.on_opened(t0 + milliseconds(5000)));
  EXPECT_FALSE(tracker.next_timeout());
}

TEST(MismatchTracker, ReportsMismatchAfterOneSecondOfUndecryptableFrames) {
  MismatchTracker tracker;
  for (int ms = 0; ms < 1000; ms += 20) {
    EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(ms))) << ms;
  }
  EXPECT_EQ(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(1000)),
            SecretEvent::kEncryptionSecretMismatch);
  // Reported once, not per frame.
  EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(1020)));
  EXPECT_TRUE(tracker.mismatched());
}

TEST(MismatchTracker, FramesWithoutAnSframeHeaderCountAsUndecryptable) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(Error::kNoHeader, t0));
  EXPECT_EQ(tracker.on_failed(Error::kNoHeader, t0 + milliseconds(1000)),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, ReportsMismatchOnTimeoutWhenFramesStop) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0));
  ASSERT_EQ(tracker.next_timeout(), t0 + milliseconds(1000));
  EXPECT_FALSE(tracker.poll(t0 + milliseconds(999)));
  EXPECT_EQ(tracker.poll(t0 + milliseconds(1000)), SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.next_timeout());
}

TEST(MismatchTracker, AnOpenedFrameRestartsTheOneSecondRule) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0));
  EXPECT_FALSE(tracker.on_opened(t0 + milliseconds(900)));
  EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(950)));
  EXPECT_FALSE(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(1900)));
  EXPECT_EQ(tracker.on_failed(Error::kUndecryptable, t0 + milliseconds(1950)),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, ReportsMismatchImmediatelyWhenTheKeyCheckDiffers) {
  MismatchTracker tracker;
  EXPECT_EQ(tracker.on_failed(Error::kUnknownKeyCheck, t0), SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.on_failed(Error::kUnknownKeyCheck, t0 + milliseconds(20)));
}

TEST(MismatchTracker, ReportsMatchOnTheFirstFrameThatOpensAfterAMismatch) {
  MismatchTracker tracker;
  ASSERT_EQ(tracker.on_failed(Error::kUnknownKeyCheck, t0), SecretEvent::kEncryptionSecretMismatch);
  EXPECT_EQ(tracker.on_opened(t0 + milliseconds(3000)), SecretEvent::kEncryptionSecretMatch);
  EXPECT_FALSE(tracker.on_opened(t0 + milliseconds(3020)));
  EXPECT_FALSE(tracker.mismatched());
}

TEST(MismatchTracker, IgnoresReplays) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(Error::kReplay, t0));
  EXPECT_FALSE(tracker.on_failed(Error::kReplay, t0 + milliseconds(5000)));
  EXPECT_FALSE(tracker.next_timeout());
}

}  // namespace
}  // namespace umbra::e2ee
