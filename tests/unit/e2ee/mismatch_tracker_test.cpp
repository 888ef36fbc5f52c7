#include "e2ee/mismatch_tracker.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "e2ee/frame.h"
#include "e2ee/key_ring.h"

namespace umbra::e2ee {
namespace {

using std::chrono::milliseconds;

const TimePoint t0{};
constexpr MismatchTracker::TrackKey kAudio = 1;
constexpr MismatchTracker::TrackKey kVideo = 2;

TEST(MismatchTracker, SaysNothingWhileFramesOpen) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0));
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0 + milliseconds(5000)));
  EXPECT_FALSE(tracker.next_timeout());
}

TEST(MismatchTracker, ReportsMismatchAfterOneSecondOfUndecryptableFrames) {
  MismatchTracker tracker;
  for (int ms = 0; ms < 1000; ms += 20) {
    EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(ms))) << ms;
  }
  EXPECT_EQ(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(1000)),
            SecretEvent::kEncryptionSecretMismatch);
  // Reported once, not per frame.
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(1020)));
  EXPECT_TRUE(tracker.mismatched());
}

TEST(MismatchTracker, FramesWithoutAnSframeHeaderCountAsUndecryptable) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(kVideo, std::nullopt, Error::kNoHeader, t0));
  EXPECT_EQ(tracker.on_failed(kVideo, std::nullopt, Error::kNoHeader, t0 + milliseconds(1000)),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, ReportsMismatchOnTimeoutWhenFramesStop) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0));
  ASSERT_EQ(tracker.next_timeout(), t0 + milliseconds(1000));
  EXPECT_FALSE(tracker.poll(t0 + milliseconds(999)));
  EXPECT_EQ(tracker.poll(t0 + milliseconds(1000)), SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.next_timeout());
}

TEST(MismatchTracker, AnOpenedFrameRestartsTheOneSecondRule) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0));
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0 + milliseconds(900)));
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(950)));
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(1900)));
  EXPECT_EQ(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(1950)),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, ReportsMismatchImmediatelyWhenTheKeyCheckDiffers) {
  MismatchTracker tracker;
  EXPECT_EQ(tracker.on_failed(kVideo, 7, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.on_failed(kVideo, 7, Error::kUnknownKeyCheck, t0 + milliseconds(20)));
}

TEST(MismatchTracker, ReportsMatchOnTheFirstFrameThatOpensAfterAMismatch) {
  MismatchTracker tracker;
  ASSERT_EQ(tracker.on_failed(kVideo, 7, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  EXPECT_EQ(tracker.on_opened(kVideo, 7, t0 + milliseconds(3000)), SecretEvent::kEncryptionSecretMatch);
  EXPECT_FALSE(tracker.on_opened(kVideo, 7, t0 + milliseconds(3020)));
  EXPECT_FALSE(tracker.mismatched());
}

TEST(MismatchTracker, IgnoresReplays) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kReplay, t0));
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kReplay, t0 + milliseconds(5000)));
  EXPECT_FALSE(tracker.next_timeout());
  EXPECT_EQ(tracker.track_count(), 0u);
}

TEST(MismatchTracker, StreamIsMismatchedWhileAnyTrackIsAndMatchesOnceEveryTrackOpens) {
  MismatchTracker tracker;
  EXPECT_EQ(tracker.on_failed(kAudio, 10, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.on_failed(kVideo, 20, Error::kUnknownKeyCheck, t0))
      << "the stream was already reported";
  EXPECT_FALSE(tracker.on_opened(kAudio, 10, t0 + milliseconds(100))) << "video still does not open";
  EXPECT_TRUE(tracker.mismatched());
  EXPECT_EQ(tracker.on_opened(kVideo, 20, t0 + milliseconds(120)), SecretEvent::kEncryptionSecretMatch);
  EXPECT_FALSE(tracker.mismatched());
}

TEST(MismatchTracker, OtherTracksOpeningDoNotHideOneTrackFailingForASecond) {
  MismatchTracker tracker;
  for (int ms = 0; ms < 1000; ms += 20) {
    EXPECT_FALSE(tracker.on_opened(kAudio, 10, t0 + milliseconds(ms)));
    EXPECT_FALSE(tracker.on_failed(kVideo, 20, Error::kUndecryptable, t0 + milliseconds(ms))) << ms;
  }
  EXPECT_EQ(tracker.on_failed(kVideo, 20, Error::kUndecryptable, t0 + milliseconds(1000)),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, TimesOutOnTheTrackThatStartedFailingFirst) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_failed(kVideo, 20, Error::kUndecryptable, t0 + milliseconds(300)));
  EXPECT_FALSE(tracker.on_failed(kAudio, 10, Error::kUndecryptable, t0 + milliseconds(100)));
  ASSERT_EQ(tracker.next_timeout(), t0 + milliseconds(1100));
  EXPECT_EQ(tracker.poll(t0 + milliseconds(1100)), SecretEvent::kEncryptionSecretMismatch);
  // Video still counts its own second: audio opening later must not end the mismatch early.
  ASSERT_EQ(tracker.next_timeout(), t0 + milliseconds(1300));
  EXPECT_FALSE(tracker.poll(t0 + milliseconds(1300)));
  EXPECT_FALSE(tracker.on_opened(kAudio, 10, t0 + milliseconds(1400)));
  EXPECT_TRUE(tracker.mismatched());
}

TEST(MismatchTracker, AFrameUnderAKidItsTrackMovedAwayFromSaysNothingEvenWhenItOpens) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0));
  EXPECT_EQ(tracker.on_failed(kVideo, 2, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0 + milliseconds(10))) << "a late frame from before the switch";
  EXPECT_TRUE(tracker.mismatched());
  EXPECT_EQ(tracker.on_opened(kVideo, 2, t0 + milliseconds(20)), SecretEvent::kEncryptionSecretMatch)
      << "the current KID opening is a match";
}

TEST(MismatchTracker, AStragglerThatFailsDoesNotStartTheOneSecondRule) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_opened(kVideo, 1, t0));
  EXPECT_FALSE(tracker.on_opened(kVideo, 2, t0 + milliseconds(10)));
  EXPECT_FALSE(tracker.on_failed(kVideo, 1, Error::kUndecryptable, t0 + milliseconds(20)));
  EXPECT_FALSE(tracker.next_timeout());
}

TEST(MismatchTracker, RemembersOnlyTheLastFourKidsATrackMovedAwayFrom) {
  MismatchTracker tracker;
  for (std::uint64_t kid = 1; kid <= 6; ++kid) EXPECT_FALSE(tracker.on_opened(kVideo, kid, t0));
  ASSERT_EQ(tracker.on_failed(kVideo, 7, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  // 3..6 are the four remembered: still stragglers.
  for (std::uint64_t kid = 3; kid <= 6; ++kid) EXPECT_FALSE(tracker.on_opened(kVideo, kid, t0)) << kid;
  // 1 was forgotten: it reads as the track's current KID again, and it opens.
  EXPECT_EQ(tracker.on_opened(kVideo, 1, t0), SecretEvent::kEncryptionSecretMatch);
}

TEST(MismatchTracker, RemovingATrackSaysNothingAndTheNextMismatchIsReportedAgain) {
  MismatchTracker tracker;
  ASSERT_EQ(tracker.on_failed(kVideo, 2, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  tracker.remove_track(kVideo);
  EXPECT_FALSE(tracker.mismatched());
  EXPECT_EQ(tracker.track_count(), 0u);
  EXPECT_EQ(tracker.on_failed(kAudio, 3, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(MismatchTracker, RemovingAHealthyTrackLeavesTheStreamMismatched) {
  MismatchTracker tracker;
  EXPECT_FALSE(tracker.on_opened(kAudio, 1, t0));
  ASSERT_EQ(tracker.on_failed(kVideo, 2, Error::kUnknownKeyCheck, t0),
            SecretEvent::kEncryptionSecretMismatch);
  tracker.remove_track(kAudio);
  EXPECT_TRUE(tracker.mismatched());
  EXPECT_EQ(tracker.on_opened(kVideo, 2, t0), SecretEvent::kEncryptionSecretMatch);
}

// With real key rings: Bob publishes audio and video; Carol subscribes and never learns Bob's new
// secret (DESIGN.md section 4.11 timeline).
class RotationNotFollowed : public ::testing::Test {
 protected:
  struct Received {
    bool opened = false;
    std::optional<SecretEvent> event;
  };

  void SetUp() override {
    bob.set_session_secret(SessionSecret::from_bytes(Bytes(32, 0xaa)), t0);
    carol.set_session_secret(SessionSecret::from_bytes(Bytes(32, 0xaa)), t0);
    audio = bob.add_local_track(Codec::kOpus);
    video = bob.add_local_track(Codec::kVp8);
  }

  Bytes seal(KeyRing::TrackId track, TimePoint now) {
    // A VP8 key frame's 10-byte prefix, then payload; Opus has no clear prefix.
    Bytes frame{0x50, 0x03, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 1, 2, 3, 4};
    Bytes wire(frame.size() + kMaxWireOverhead);
    const auto size = bob.seal(track, frame, wire, now);
    if (!size) throw std::runtime_error(std::string(to_string(size.error())));
    wire.resize(*size);
    return wire;
  }

  // What a subscriber's media pipeline does with each received frame: open it, then tell the
  // tracker under the frame's KID (read from the header whether or not the frame opened).
  Received receive(MismatchTracker::TrackKey track, Codec codec, ByteSpan wire, TimePoint now) {
    Bytes frame(wire.size());
    const auto opened = carol.open(codec, wire, frame, now);
    const auto layout = parse_wire(codec, wire);
    std::optional<std::uint64_t> kid;
    if (layout) kid = layout->header.kid;
    Received r;
    if (opened && kid) {
      r.opened = true;
      r.event = tracker.on_opened(track, *kid, now);
    } else if (!opened) {
      r.event = tracker.on_failed(track, kid, opened.error(), now);
    }
    if (r.event) events.push_back(*r.event);
    return r;
  }

  KeyRing bob{"s"};
  KeyRing carol{"s"};
  KeyRing::TrackId audio = 0;
  KeyRing::TrackId video = 0;
  MismatchTracker tracker;
  std::vector<SecretEvent> events;
};

TEST_F(RotationNotFollowed, IsOneMismatchHoweverTheTracksFramesInterleave) {
  EXPECT_TRUE(receive(kAudio, Codec::kOpus, seal(audio, t0), t0).opened);
  EXPECT_TRUE(receive(kVideo, Codec::kVp8, seal(video, t0), t0).opened);

  bob.set_session_secret(SessionSecret::from_bytes(Bytes(32, 0xbb)), t0);  // switches at 2 s
  // The last video frames sealed under the old secret are still in flight (a late repair, or just
  // a slower encoder) when audio has already switched.
  const Bytes late_video[] = {seal(video, t0 + milliseconds(1999)), seal(video, t0 + milliseconds(1999))};
  const TimePoint at = t0 + milliseconds(2000);
  EXPECT_FALSE(receive(kAudio, Codec::kOpus, seal(audio, at), at).opened);
  // Before the per-track rule, this frame opening reported a match: the lock flickered.
  EXPECT_TRUE(receive(kVideo, Codec::kVp8, late_video[0], at).opened);
  EXPECT_FALSE(receive(kVideo, Codec::kVp8, seal(video, at), at).opened);
  // It still opens (the old secret's receive keys are kept) and is decoded, but it says nothing.
  const Received straggler = receive(kVideo, Codec::kVp8, late_video[1], at + milliseconds(20));
  EXPECT_TRUE(straggler.opened);
  EXPECT_FALSE(straggler.event);
  EXPECT_FALSE(
      receive(kAudio, Codec::kOpus, seal(audio, at + milliseconds(20)), at + milliseconds(20)).opened);
  EXPECT_FALSE(tracker.poll(at + milliseconds(5000)));

  EXPECT_EQ(events, std::vector<SecretEvent>{SecretEvent::kEncryptionSecretMismatch});
  EXPECT_TRUE(tracker.mismatched());
}

}  // namespace
}  // namespace umbra::e2ee
