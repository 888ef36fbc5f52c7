#include "e2ee/key_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "e2ee/frame.h"
#include "e2ee/kid.h"
#include "e2ee/mismatch_tracker.h"
#include "session_secret_cache.h"

namespace umbra::e2ee {
namespace {

using std::chrono::milliseconds;

const TimePoint t0{};

// Stand-ins for PBKDF2 output: the key ring only ever sees S.
SessionSecret secret_a() {
  return SessionSecret::from_bytes(Bytes(32, 0xaa));
}
SessionSecret secret_b() {
  return SessionSecret::from_bytes(Bytes(32, 0xbb));
}

Bytes vp8_key_frame() {
  Bytes frame{0x50, 0x03, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
  for (std::uint8_t i = 0; i < 40; ++i) frame.push_back(i);
  return frame;
}

Bytes seal(KeyRing& ring, KeyRing::TrackId track, ByteSpan frame, TimePoint now) {
  Bytes wire(frame.size() + kMaxWireOverhead);
  const auto size = ring.seal(track, frame, wire, now);
  if (!size) throw std::runtime_error(std::string(to_string(size.error())));
  wire.resize(*size);
  return wire;
}

Result<Bytes, Error> open(KeyRing& ring, Codec codec, ByteSpan wire, TimePoint now) {
  Bytes frame(wire.size());
  const auto size = ring.open(codec, wire, frame, now);
  if (!size) return err(size.error());
  frame.resize(*size);
  return frame;
}

std::uint64_t wire_kid(Codec codec, ByteSpan wire) {
  return parse_wire(codec, wire)->header.kid;
}
std::uint64_t wire_ctr(Codec codec, ByteSpan wire) {
  return parse_wire(codec, wire)->header.ctr;
}

class TwoParticipants : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(secret_a().key_check(), secret_b().key_check());
    alice.set_session_secret(secret_a(), t0);
    bob.set_session_secret(secret_a(), t0);
    video = alice.add_local_track(Codec::kVp8);
    audio = alice.add_local_track(Codec::kOpus);
  }

  KeyRing alice{"session-1"};
  KeyRing bob{"session-1"};
  KeyRing::TrackId video = 0;
  KeyRing::TrackId audio = 0;
};

TEST_F(TwoParticipants, FramesSealedByOneOpenAtTheOther) {
  const Bytes frame = vp8_key_frame();
  const Bytes wire = seal(alice, video, frame, t0);
  EXPECT_TRUE(std::equal(frame.begin(), frame.begin() + 10, wire.begin())) << "prefix stays clear";
  const auto opened = open(bob, Codec::kVp8, wire, t0);
  ASSERT_TRUE(opened) << to_string(opened.error());
  EXPECT_EQ(*opened, frame);

  for (const Bytes& opus : {Bytes{0x78, 1, 2, 3}, Bytes{}}) {
    const auto back = open(bob, Codec::kOpus, seal(alice, audio, opus, t0), t0);
    ASSERT_TRUE(back) << to_string(back.error());
    EXPECT_EQ(*back, opus);
  }
}

TEST_F(TwoParticipants, EachTrackSealsUnderItsOwnKidCarryingTheKeyCheck) {
  const auto video_kid = alice.local_kid(video);
  const auto audio_kid = alice.local_kid(audio);
  ASSERT_TRUE(video_kid && audio_kid);
  EXPECT_NE(*video_kid, *audio_kid);
  EXPECT_EQ(kid_key_check(*video_kid), secret_a().key_check());
  EXPECT_EQ(kid_key_check(*audio_kid), secret_a().key_check());

  const Bytes first = seal(alice, video, vp8_key_frame(), t0);
  const Bytes second = seal(alice, video, vp8_key_frame(), t0);
  EXPECT_EQ(wire_kid(Codec::kVp8, first), *video_kid);
  EXPECT_EQ(wire_ctr(Codec::kVp8, first), 0u);
  EXPECT_EQ(wire_ctr(Codec::kVp8, second), 1u);
}

TEST_F(TwoParticipants, RestartedTrackGetsAFreshKidAndCounter) {
  const auto before = alice.local_kid(video);
  (void)seal(alice, video, vp8_key_frame(), t0);
  alice.restart_local_track(video);
  const auto after = alice.local_kid(video);
  EXPECT_NE(before, after);
  const Bytes wire = seal(alice, video, vp8_key_frame(), t0);
  EXPECT_EQ(wire_kid(Codec::kVp8, wire), *after);
  EXPECT_EQ(wire_ctr(Codec::kVp8, wire), 0u);
  EXPECT_TRUE(open(bob, Codec::kVp8, wire, t0));
}

TEST_F(TwoParticipants, ReplayedFrameIsRejected) {
  const Bytes wire = seal(alice, audio, Bytes{1, 2, 3}, t0);
  ASSERT_TRUE(open(bob, Codec::kOpus, wire, t0));
  const auto again = open(bob, Codec::kOpus, wire, t0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), Error::kReplay);
}

TEST_F(TwoParticipants, TamperedPrefixBreaksTheTag) {
  const Bytes wire = seal(alice, video, vp8_key_frame(), t0);
  Bytes tampered = wire;
  tampered[7] ^= 0x01;  // a router "fixing" the frame dimensions
  const auto opened = open(bob, Codec::kVp8, tampered, t0);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), Error::kUndecryptable);
  // The failed frame did not move the replay window: the genuine one still opens.
  EXPECT_TRUE(open(bob, Codec::kVp8, wire, t0));
}

TEST_F(TwoParticipants, FramesWithoutAnSframeHeaderAreDropped) {
  const auto opened = open(bob, Codec::kVp8, vp8_key_frame(), t0);  // sent in the clear
  ASSERT_FALSE(opened);
  EXPECT_TRUE(opened.error() == Error::kNoHeader || opened.error() == Error::kUnknownKeyCheck ||
              opened.error() == Error::kUndecryptable);
  const auto short_frame = open(bob, Codec::kVp8, Bytes{0x31, 0x00}, t0);
  ASSERT_FALSE(short_frame);
  EXPECT_EQ(short_frame.error(), Error::kNoHeader);
}

TEST(KeyRing, WrongSecretIsRecognizedByItsKeyCheckWithoutTrying) {
  KeyRing alice("session-1");
  KeyRing eve("session-1");
  alice.set_session_secret(secret_a(), t0);
  eve.set_session_secret(secret_b(), t0);
  const auto track = alice.add_local_track(Codec::kOpus);
  MismatchTracker tracker;

  const Bytes wire = seal(alice, track, Bytes{1, 2, 3}, t0);
  const auto opened = open(eve, Codec::kOpus, wire, t0);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), Error::kUnknownKeyCheck);
  EXPECT_EQ(tracker.on_failed(1, wire_kid(Codec::kOpus, wire), opened.error(), t0),
            SecretEvent::kEncryptionSecretMismatch);
}

TEST(KeyRing, SameKeyCheckButWrongKeyIsUndecryptableAndMismatchesAfterOneSecond) {
  KeyRing bob("session-1");
  bob.set_session_secret(secret_a(), t0);
  // A sender whose secret collides on the 16-bit key check but not on the key.
  const std::uint64_t kid = make_kid(secret_a().key_check(), 42);
  sframe::Context forger(kCipherSuite);
  forger.add_key(kid, secret_b().base_key(kid));
  MismatchTracker tracker;

  std::optional<SecretEvent> event;
  int ms = 0;
  for (; ms <= 1000 && !event; ms += 20) {
    Bytes wire(3 + kMaxWireOverhead);
    wire.resize(*seal_frame(forger, kid, Codec::kOpus, Bytes{1, 2, 3}, wire));
    const auto opened = open(bob, Codec::kOpus, wire, t0 + milliseconds(ms));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), Error::kUndecryptable);
    event = tracker.on_failed(1, kid, opened.error(), t0 + milliseconds(ms));
  }
  EXPECT_EQ(event, SecretEvent::kEncryptionSecretMismatch);
  EXPECT_EQ(ms - 20, 1000) << "reported exactly when the frames had failed for 1 s";

  // The sender learns the right secret: the first frame that opens reports a match.
  KeyRing alice("session-1");
  alice.set_session_secret(secret_a(), t0);
  const auto track = alice.add_local_track(Codec::kOpus);
  const Bytes wire = seal(alice, track, Bytes{4, 5}, t0);
  const auto opened = open(bob, Codec::kOpus, wire, t0 + milliseconds(1500));
  ASSERT_TRUE(opened);
  EXPECT_EQ(tracker.on_opened(1, wire_kid(Codec::kOpus, wire), t0 + milliseconds(1500)),
            SecretEvent::kEncryptionSecretMatch);
}

TEST(KeyRing, SealingWithoutASecretOrTrackFails) {
  KeyRing ring("s");
  const auto track = ring.add_local_track(Codec::kOpus);
  Bytes out(64);
  const auto no_secret = ring.seal(track, Bytes{1}, out, t0);
  ASSERT_FALSE(no_secret);
  EXPECT_EQ(no_secret.error(), Error::kNoSecret);
  ring.set_session_secret(secret_a(), t0);
  EXPECT_TRUE(ring.seal(track, Bytes{1}, out, t0));  // keyed as soon as the first secret arrives
  const auto no_track = ring.seal(track + 100, Bytes{1}, out, t0);
  ASSERT_FALSE(no_track);
  EXPECT_EQ(no_track.error(), Error::kUnknownTrack);
}

TEST(KeyRing, SetSecretValidatesAndDerivesFromTheTypedSecret) {
  KeyRing ring("session-1");
  const auto bad = ring.set_secret("short", t0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), Error::kInvalidSecret);
  EXPECT_EQ(ring.sealing_secret(), nullptr);

  ASSERT_TRUE(ring.set_secret("correct horse battery", t0));
  ASSERT_NE(ring.sealing_secret(), nullptr);
  EXPECT_EQ(ring.sealing_secret()->verification_code(), "17357 88480 37353 98818");
}

// Section 4.11 timeline: Bob publishes; Carol subscribes. Both move from A to B.
class Rotation : public ::testing::Test {
 protected:
  void SetUp() override {
    bob.set_session_secret(secret_a(), t0);
    carol.set_session_secret(secret_a(), t0);
    track = bob.add_local_track(Codec::kOpus);
  }
  Bytes frame_from_bob(TimePoint now) { return seal(bob, track, Bytes{9, 9, 9}, now); }

  KeyRing bob{"s"};
  KeyRing carol{"s"};
  KeyRing::TrackId track = 0;
};

TEST_F(Rotation, NewSecretIsReceivedAtOnceButSealedOnlyAfterTheSwitchDelay) {
  const TimePoint set_at = t0 + milliseconds(1000);
  carol.set_session_secret(secret_b(), set_at + milliseconds(500));
  bob.set_session_secret(secret_b(), set_at);
  EXPECT_TRUE(bob.switch_pending());
  EXPECT_EQ(bob.next_timeout(), set_at + kDefaultSwitchDelay);

  const Bytes before = frame_from_bob(set_at + milliseconds(1999));
  EXPECT_EQ(kid_key_check(wire_kid(Codec::kOpus, before)), secret_a().key_check());
  EXPECT_TRUE(open(carol, Codec::kOpus, before, set_at + milliseconds(1999)));

  const auto old_kid = bob.local_kid(track);
  const Bytes after = frame_from_bob(set_at + milliseconds(2000));
  EXPECT_FALSE(bob.switch_pending());
  EXPECT_EQ(kid_key_check(wire_kid(Codec::kOpus, after)), secret_b().key_check());
  EXPECT_NE(kid_sender(wire_kid(Codec::kOpus, after)), kid_sender(*old_kid)) << "fresh R";
  EXPECT_EQ(wire_ctr(Codec::kOpus, after), 0u) << "CTR from 0";
  // Carol set B half a second after Bob: nobody receives a frame they cannot open.
  EXPECT_TRUE(open(carol, Codec::kOpus, after, set_at + milliseconds(2000)));
}

TEST_F(Rotation, PreviousSecretStillOpensForTenSecondsAfterTheSwitchThenNot) {
  // Frames Bob sealed under A before he switched, delivered late to Carol.
  std::vector<Bytes> late;
  late.reserve(3);
  for (int i = 0; i < 3; ++i) late.push_back(frame_from_bob(t0));

  carol.set_session_secret(secret_b(), t0);  // switch at 2 s, A kept until 12 s
  EXPECT_EQ(carol.next_timeout(), t0 + kDefaultSwitchDelay);
  ASSERT_TRUE(open(carol, Codec::kOpus, late[0], t0 + milliseconds(100)));
  carol.poll(t0 + milliseconds(2000));
  EXPECT_EQ(carol.next_timeout(), t0 + milliseconds(12000));

  EXPECT_TRUE(open(carol, Codec::kOpus, late[1], t0 + milliseconds(11999)));
  const auto expired = open(carol, Codec::kOpus, late[2], t0 + milliseconds(12000));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), Error::kUnknownKeyCheck);
  EXPECT_FALSE(carol.holds_key_check(secret_a().key_check()));
  EXPECT_TRUE(carol.holds_key_check(secret_b().key_check()));
}

TEST_F(Rotation, ZeroSwitchDelaySwitchesAtOnce) {
  KeyRing dave("s", KeyRingOptions{milliseconds(0)});
  dave.set_session_secret(secret_a(), t0);
  const auto t = dave.add_local_track(Codec::kOpus);
  dave.set_session_secret(secret_b(), t0 + milliseconds(5));
  EXPECT_FALSE(dave.switch_pending());
  EXPECT_EQ(kid_key_check(*dave.local_kid(t)), secret_b().key_check());
  EXPECT_EQ(dave.next_timeout(), t0 + milliseconds(5) + kPreviousSecretHold);
}

TEST_F(Rotation, ParticipantWhoNeverLearnsTheNewSecretIsCutOff) {
  bob.set_session_secret(secret_b(), t0);
  const auto opened =
      open(carol, Codec::kOpus, frame_from_bob(t0 + milliseconds(2000)), t0 + milliseconds(2000));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), Error::kUnknownKeyCheck);
}

TEST_F(Rotation, SettingTheCurrentSecretAgainCancelsAPendingSwitch) {
  bob.set_session_secret(secret_b(), t0);
  bob.set_session_secret(secret_a(), t0 + milliseconds(500));
  EXPECT_FALSE(bob.switch_pending());
  const Bytes wire = frame_from_bob(t0 + milliseconds(5000));
  EXPECT_EQ(kid_key_check(wire_kid(Codec::kOpus, wire)), secret_a().key_check());
}

}  // namespace
}  // namespace umbra::e2ee
