// The keys one participant holds in an E2EE session (DESIGN.md sections 4.4, 4.9, 4.11), sans-IO:
// the current time comes in with every call, nothing sleeps and nothing reads a clock.
//
// Sending: each local track seals under a KID of its own (fresh sender number R, CTR from 0),
// re-drawn when the track restarts or the sealing secret switches.
// Receiving: a KID's top 16 bits pick the held secret; its base key is derived the first time a
// frame under that KID verifies. Rotation: a new secret's receive keys are installed at once,
// local tracks keep sealing under the previous secret for the switch delay, then switch, and the
// previous secret's receive keys stay for 10 s after the switch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "e2ee/clear_prefix.h"
#include "e2ee/error.h"
#include "e2ee/session_secret.h"
#include "sframe/sframe.h"

namespace umbra::e2ee {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

inline constexpr std::chrono::milliseconds kDefaultSwitchDelay{2000};
// Section 4.11: how long the previous secret's receive keys outlive the switch.
inline constexpr std::chrono::milliseconds kPreviousSecretHold{10000};

struct KeyRingOptions {
  std::chrono::milliseconds switch_delay = kDefaultSwitchDelay;  // 0 switches at once
};

class KeyRing {
 public:
  using TrackId = std::uint32_t;

  explicit KeyRing(std::string session_id, KeyRingOptions options = {});

  // setEncryptionSecret: validates, normalizes and derives S (PBKDF2, slow: see SessionSecret).
  Result<void, Error> set_secret(std::string_view secret, TimePoint now);
  // The same with S already derived (off the media thread, or cached).
  void set_session_secret(const SessionSecret& secret, TimePoint now);

  // Advances the switch and drops expired receive keys. Every call taking `now` does this first;
  // call it at next_timeout() to release old keys on time when no frames flow.
  void poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  // The secret local tracks seal under (the one whose verification code the UI shows).
  const SessionSecret* sealing_secret() const { return sealing_ ? &*sealing_ : nullptr; }
  bool switch_pending() const { return pending_.has_value(); }
  // Whether a frame with this key check would be tried at all.
  bool holds_key_check(std::uint16_t key_check) const;

  // Local tracks: one per published audio or video track (simulcast encodings share it).
  TrackId add_local_track(Codec codec);
  // The track starts publishing again: fresh sender number, CTR from 0.
  void restart_local_track(TrackId track);
  void remove_local_track(TrackId track);
  std::optional<std::uint64_t> local_kid(TrackId track) const;

  // Seals frame into out (size it frame.size() + kMaxWireOverhead).
  Result<std::size_t, Error> seal(TrackId track, ByteSpan frame, MutableByteSpan out, TimePoint now);
  // Opens a received wire frame into out (out.size() >= wire.size()).
  Result<std::size_t, Error> open(Codec codec, ByteSpan wire, MutableByteSpan out, TimePoint now);

 private:
  struct Held {
    SessionSecret secret;
    std::optional<TimePoint> drop_at;  // set once the secret is no longer sealed with
    std::vector<std::uint64_t> kids;   // receive KIDs bound to it, removed with it
  };
  struct Track {
    TrackId id = 0;
    Codec codec = Codec::kOpus;
    std::optional<std::uint64_t> kid;  // none until a secret is set
  };

  Held* find_held(const SessionSecret& secret);
  void retire(const SessionSecret& secret, TimePoint drop_at);
  void switch_to_pending(TimePoint at);
  void rekey(Track& track);
  Track* find_track(TrackId id);
  const Track* find_track(TrackId id) const;

  std::string session_id_;
  KeyRingOptions options_;
  std::vector<Held> held_;  // every secret frames may arrive under; oldest first
  std::optional<SessionSecret> sealing_;
  std::optional<SessionSecret> pending_;
  TimePoint switch_at_{};
  std::vector<Track> tracks_;
  TrackId next_track_id_ = 1;
  sframe::Context send_{sframe::CipherSuite::kAes128GcmSha256_128};
  sframe::Context receive_{sframe::CipherSuite::kAes128GcmSha256_128};
};

}  // namespace umbra::e2ee
