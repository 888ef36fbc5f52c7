#include "e2ee/mismatch_tracker.h"

namespace umbra::e2ee {

std::optional<SecretEvent> MismatchTracker::on_opened(TimePoint /*now*/) {
  failing_since_.reset();
  if (!mismatched_) return std::nullopt;
  mismatched_ = false;
  return SecretEvent::kEncryptionSecretMatch;
}

std::optional<SecretEvent> MismatchTracker::on_failed(Error error, TimePoint now) {
  switch (error) {
    case Error::kUnknownKeyCheck:
      if (!failing_since_) failing_since_ = now;
      if (mismatched_) return std::nullopt;
      mismatched_ = true;
      return SecretEvent::kEncryptionSecretMismatch;
    case Error::kUndecryptable:
    case Error::kNoHeader:
      if (!failing_since_) failing_since_ = now;
      return poll(now);
    default: return std::nullopt;
  }
}

std::optional<SecretEvent> MismatchTracker::poll(TimePoint now) {
  if (mismatched_ || !failing_since_ || now - *failing_since_ < kMismatchAfter) return std::nullopt;
  mismatched_ = true;
  return SecretEvent::kEncryptionSecretMismatch;
}

std::optional<TimePoint> MismatchTracker::next_timeout() const {
  if (mismatched_ || !failing_since_) return std::nullopt;
  return *failing_since_ + kMismatchAfter;
}

}  // namespace umbra::e2ee
