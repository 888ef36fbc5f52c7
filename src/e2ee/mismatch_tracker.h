// Per received stream: tells the subscriber when its secret does not match the sender's
// (DESIGN.md section 4.10), sans-IO. Feed it every open outcome with the current time.
#pragma once

#include <chrono>
#include <optional>

#include "e2ee/error.h"
#include "e2ee/key_ring.h"

namespace umbra::e2ee {

enum class SecretEvent {
  kEncryptionSecretMismatch,
  kEncryptionSecretMatch,
};

// How long a stream's frames must stay undecryptable before a mismatch is reported: long enough
// that a few corrupt frames or a rotation in flight do not alarm anyone.
inline constexpr std::chrono::milliseconds kMismatchAfter{1000};

class MismatchTracker {
 public:
  // A frame opened: ends any undecryptable run; kEncryptionSecretMatch if a mismatch was reported.
  std::optional<SecretEvent> on_opened(TimePoint now);
  // A frame failed to open. kUnknownKeyCheck reports a mismatch at once (the sender holds another
  // secret for sure); kUndecryptable and kNoHeader count towards the 1 s rule; anything else
  // (a replay, a buffer too small) says nothing about the secret and is ignored.
  std::optional<SecretEvent> on_failed(Error error, TimePoint now);
  // The 1 s rule also fires when no further frame arrives; call at next_timeout().
  std::optional<SecretEvent> poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  bool mismatched() const { return mismatched_; }

 private:
  std::optional<TimePoint> failing_since_;
  bool mismatched_ = false;
};

}  // namespace umbra::e2ee
