// Per received stream: tells the subscriber when its secret does not match the sender's
// (DESIGN.md section 4.10), sans-IO. Feed it every open outcome with the current time.
//
// A stream has several tracks (audio, video), each sealed under its own KID, and a sender switches
// each track to a new secret on that track's next frame (section 4.11). So the state is kept per
// track and the stream is mismatched while any of its tracks is. With one state per stream, a
// rotation the receiver does not follow made the lock flicker: the first audio frame under the new
// secret reported a mismatch, a video frame sealed a moment earlier and arriving after it opened and
// reported a match, and the next new-secret frame reported a mismatch again.
//
// Within one track a frame can also arrive after the track has moved to a new KID (a packet repaired
// late completes an older frame). Such a straggler says nothing about the secret the sender uses now:
// it is ignored here (the caller still decodes it if it opened).
//
// The web SDK's web/sdk/src/e2ee/mismatch.ts implements the same rule; keep the two in step.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "e2ee/error.h"
#include "e2ee/key_ring.h"

namespace umbra::e2ee {

enum class SecretEvent {
  kEncryptionSecretMismatch,
  kEncryptionSecretMatch,
};

// How long a track's frames must stay undecryptable before a mismatch is reported: long enough
// that a few corrupt frames or a rotation in flight do not alarm anyone.
inline constexpr std::chrono::milliseconds kMismatchAfter{1000};
// KIDs a track has moved away from that still count as stragglers. One rotation (or track restart)
// leaves one behind, so a few cover rotations closer together than a frame's reordering window.
inline constexpr std::size_t kRememberedOldKids = 4;

class MismatchTracker {
 public:
  // Names one received track of the stream; the caller picks it (an SSRC, a transceiver index).
  using TrackKey = std::uint32_t;

  // A frame of `track` opened under `kid`: ends that track's undecryptable run, and reports
  // kEncryptionSecretMatch if the stream was mismatched and no track is any more.
  std::optional<SecretEvent> on_opened(TrackKey track, std::uint64_t kid, TimePoint now);
  // A frame of `track` failed to open. `kid` is the frame's KID when its header parses (see
  // parse_wire), none otherwise. kUnknownKeyCheck mismatches the track at once (the sender holds
  // another secret for sure); kUndecryptable and kNoHeader count towards the 1 s rule; anything
  // else (a replay, a buffer too small) says nothing about the secret and is ignored.
  std::optional<SecretEvent> on_failed(TrackKey track, std::optional<std::uint64_t> kid, Error error,
                                       TimePoint now);
  // The 1 s rule also fires when a track's frames stop; call at next_timeout(). Never a match.
  std::optional<SecretEvent> poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  // The track ended (unsubscribed, or the sender stopped it). No event: nothing opened, and a stream
  // whose only mismatched track ends is simply no longer reported mismatched.
  void remove_track(TrackKey track);

  // Whether the stream was last reported mismatched.
  bool mismatched() const { return mismatched_; }
  std::size_t track_count() const { return tracks_.size(); }

 private:
  struct Track {
    TrackKey key = 0;
    bool mismatched = false;
    std::optional<TimePoint> failing_since;
    std::optional<std::uint64_t> kid;
    std::array<std::uint64_t, kRememberedOldKids> old_kids{};  // oldest first
    std::size_t old_kid_count = 0;

    // False when `kid` is one this track has moved away from; otherwise makes it the current KID.
    bool accept(std::optional<std::uint64_t> kid);
    void expire(TimePoint now);
  };

  Track& track(TrackKey key);
  std::optional<SecretEvent> update(bool opened);

  std::vector<Track> tracks_;  // a stream has a handful of tracks: a vector beats a map
  bool mismatched_ = false;
};

}  // namespace umbra::e2ee
