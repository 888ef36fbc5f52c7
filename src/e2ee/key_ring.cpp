#include "e2ee/key_ring.h"

#include <algorithm>
#include <utility>

#include "e2ee/frame.h"
#include "e2ee/kid.h"

namespace umbra::e2ee {

KeyRing::KeyRing(std::string session_id, KeyRingOptions options)
    : session_id_(std::move(session_id)), options_(options) {}

Result<void, Error> KeyRing::set_secret(std::string_view secret, TimePoint now) {
  auto derived = SessionSecret::derive(secret, session_id_);
  if (!derived) return err(derived.error());
  set_session_secret(*derived, now);
  return {};
}

void KeyRing::set_session_secret(const SessionSecret& secret, TimePoint now) {
  poll(now);
  if (!sealing_) {
    // The first secret: nothing was sealed before, so there is nothing to wait for.
    held_.push_back({secret, std::nullopt, {}});
    sealing_ = secret;
    for (Track& track : tracks_) rekey(track);
    return;
  }
  if (secret == *sealing_) {
    // Back to the secret we seal with: cancel the switch, but keep receiving the abandoned one
    // as long as if it had been switched to now, for those who already moved to it.
    if (pending_) retire(*pending_, now + options_.switch_delay + kPreviousSecretHold);
    pending_.reset();
    return;
  }
  if (pending_ && secret == *pending_) return;  // already on its way; keep the original timer
  // Replaced before we switched to it; others may have, so it stays as long as the secret we leave.
  if (pending_) retire(*pending_, now + options_.switch_delay + kPreviousSecretHold);

  if (Held* held = find_held(secret)) {
    held->drop_at.reset();  // switching back to a secret still held from before
  } else {
    held_.push_back({secret, std::nullopt, {}});
  }
  pending_ = secret;
  switch_at_ = now + options_.switch_delay;
  poll(now);  // a zero switch delay switches at once
}

void KeyRing::poll(TimePoint now) {
  if (pending_ && now >= switch_at_) switch_to_pending(switch_at_);
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->drop_at && now >= *it->drop_at) {
      for (const std::uint64_t kid : it->kids) receive_.remove_key(kid);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<TimePoint> KeyRing::next_timeout() const {
  std::optional<TimePoint> next;
  if (pending_) next = switch_at_;
  for (const Held& held : held_) {
    if (held.drop_at && (!next || *held.drop_at < *next)) next = held.drop_at;
  }
  return next;
}

bool KeyRing::holds_key_check(std::uint16_t key_check) const {
  return std::any_of(held_.begin(), held_.end(),
                     [&](const Held& held) { return held.secret.key_check() == key_check; });
}

KeyRing::TrackId KeyRing::add_local_track(Codec codec) {
  Track track{next_track_id_++, codec, std::nullopt};
  if (sealing_) rekey(track);
  tracks_.push_back(track);
  return track.id;
}

void KeyRing::restart_local_track(TrackId id) {
  if (Track* track = find_track(id); track != nullptr && sealing_) rekey(*track);
}

void KeyRing::remove_local_track(TrackId id) {
  const auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](const Track& t) { return t.id == id; });
  if (it == tracks_.end()) return;
  if (it->kid) send_.remove_key(*it->kid);
  tracks_.erase(it);
}

std::optional<std::uint64_t> KeyRing::local_kid(TrackId id) const {
  const Track* track = find_track(id);
  return track != nullptr ? track->kid : std::nullopt;
}

Result<std::size_t, Error> KeyRing::seal(TrackId id, ByteSpan frame, MutableByteSpan out, TimePoint now) {
  poll(now);
  Track* track = find_track(id);
  if (track == nullptr) return err(Error::kUnknownTrack);
  if (!track->kid) return err(Error::kNoSecret);
  return seal_frame(send_, *track->kid, track->codec, frame, out);
}

Result<std::size_t, Error> KeyRing::open(Codec codec, ByteSpan wire, MutableByteSpan out, TimePoint now) {
  poll(now);
  const auto layout = parse_wire(codec, wire);
  if (!layout) return err(layout.error());
  if (out.size() < wire.size()) return err(Error::kBufferTooSmall);
  const std::uint64_t kid = layout->header.kid;
  if (receive_.has_key(kid)) return open_frame(receive_, codec, wire, out);

  // A KID not seen yet: derive its key from each held secret with that key check (almost always
  // exactly one) and keep it only if the tag verifies, so forged KIDs cannot fill the ring.
  bool tried = false;
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
    if (it->secret.key_check() != kid_key_check(kid)) continue;
    tried = true;
    receive_.add_key(kid, it->secret.base_key(kid));
    const auto opened = open_frame(receive_, codec, wire, out);
    if (opened) {
      it->kids.push_back(kid);
      return opened;
    }
    receive_.remove_key(kid);
    if (opened.error() != Error::kUndecryptable) return opened;
  }
  return err(tried ? Error::kUndecryptable : Error::kUnknownKeyCheck);
}

KeyRing::Held* KeyRing::find_held(const SessionSecret& secret) {
  const auto it = std::find_if(held_.begin(), held_.end(), [&](const Held& h) { return h.secret == secret; });
  return it != held_.end() ? &*it : nullptr;
}

void KeyRing::retire(const SessionSecret& secret, TimePoint drop_at) {
  if (Held* held = find_held(secret)) held->drop_at = drop_at;
}

void KeyRing::switch_to_pending(TimePoint at) {
  retire(*sealing_, at + kPreviousSecretHold);
  sealing_ = std::move(pending_);
  pending_.reset();
  for (Track& track : tracks_) rekey(track);
}

void KeyRing::rekey(Track& track) {
  if (track.kid) send_.remove_key(*track.kid);
  std::uint64_t kid = 0;
  do {
    kid = make_kid(sealing_->key_check(), random_sender());
  } while (send_.has_key(kid));  // two local tracks never share a KID
  send_.add_key(kid, sealing_->base_key(kid));
  track.kid = kid;
}

KeyRing::Track* KeyRing::find_track(TrackId id) {
  const auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](const Track& t) { return t.id == id; });
  return it != tracks_.end() ? &*it : nullptr;
}

const KeyRing::Track* KeyRing::find_track(TrackId id) const {
  const auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](const Track& t) { return t.id == id; });
  return it != tracks_.end() ? &*it : nullptr;
}

}  // namespace umbra::e2ee
