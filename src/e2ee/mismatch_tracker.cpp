#include "e2ee/mismatch_tracker.h"

#include <algorithm>

namespace umbra::e2ee {

bool MismatchTracker::Track::accept(std::optional<std::uint64_t> frame_kid) {
  if (!frame_kid || frame_kid == kid) return true;
  const auto old_end = old_kids.begin() + static_cast<std::ptrdiff_t>(old_kid_count);
  if (std::find(old_kids.begin(), old_end, *frame_kid) != old_end) return false;
  if (kid) {
    if (old_kid_count == old_kids.size()) {
      std::shift_left(old_kids.begin(), old_kids.end(), 1);
      --old_kid_count;
    }
    old_kids[old_kid_count++] = *kid;
  }
  kid = frame_kid;
  return true;
}

void MismatchTracker::Track::expire(TimePoint now) {
  if (failing_since && now - *failing_since >= kMismatchAfter) mismatched = true;
}

std::optional<SecretEvent> MismatchTracker::on_opened(TrackKey key, std::uint64_t kid, TimePoint /*now*/) {
  Track& t = track(key);
  if (!t.accept(kid)) return std::nullopt;
  t.failing_since.reset();
  t.mismatched = false;
  return update(true);
}

std::optional<SecretEvent> MismatchTracker::on_failed(TrackKey key, std::optional<std::uint64_t> kid,
                                                      Error error, TimePoint now) {
  if (error != Error::kUnknownKeyCheck && error != Error::kUndecryptable && error != Error::kNoHeader) {
    return std::nullopt;
  }
  Track& t = track(key);
  if (!t.accept(kid)) return std::nullopt;
  if (!t.failing_since) t.failing_since = now;
  if (error == Error::kUnknownKeyCheck) {
    t.mismatched = true;
  } else {
    t.expire(now);
  }
  return update(false);
}

std::optional<SecretEvent> MismatchTracker::poll(TimePoint now) {
  for (Track& t : tracks_) t.expire(now);
  return update(false);
}

std::optional<TimePoint> MismatchTracker::next_timeout() const {
  std::optional<TimePoint> earliest;
  for (const Track& t : tracks_) {
    if (t.mismatched || !t.failing_since) continue;
    const TimePoint at = *t.failing_since + kMismatchAfter;
    if (!earliest || at < *earliest) earliest = at;
  }
  return earliest;
}

void MismatchTracker::remove_track(TrackKey key) {
  std::erase_if(tracks_, [key](const Track& t) { return t.key == key; });
  if (std::none_of(tracks_.begin(), tracks_.end(), [](const Track& t) { return t.mismatched; })) {
    mismatched_ = false;
  }
}

MismatchTracker::Track& MismatchTracker::track(TrackKey key) {
  const auto it =
      std::find_if(tracks_.begin(), tracks_.end(), [key](const Track& t) { return t.key == key; });
  if (it != tracks_.end()) return *it;
  Track& added = tracks_.emplace_back();
  added.key = key;
  return added;
}

// Reports the stream's transition, if any. A match only when a frame opened: a stream that stops
// being mismatched any other way (its mismatched track ended) has shown no frame that opens.
std::optional<SecretEvent> MismatchTracker::update(bool opened) {
  const bool any = std::any_of(tracks_.begin(), tracks_.end(), [](const Track& t) { return t.mismatched; });
  if (any == mismatched_) return std::nullopt;
  mismatched_ = any;
  if (any) return SecretEvent::kEncryptionSecretMismatch;
  if (opened) return SecretEvent::kEncryptionSecretMatch;
  return std::nullopt;
}

}  // namespace umbra::e2ee
