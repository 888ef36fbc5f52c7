// Which spatial layer of a simulcast producer one consumer forwards (RFC 8853 simulcast: the
// publisher sends up to three independent encodings of the same camera, lowest resolution first).
//
// The consumer forwards exactly one layer at a time, so its receiver sees one RTP stream and one
// decoder state. The target is the best layer that is flowing, at most the subscriber's preferred
// one (the ceiling); if nothing at or below the ceiling flows, the lowest layer that does. A
// switch, up or down, happens only at a keyframe of the new layer (a decoder cannot start a new
// stream anywhere else), and until then the current layer keeps being forwarded, so the picture
// never breaks. A layer is flowing while its packets keep coming: an encoder that drops a layer
// (CPU or bandwidth) sends nothing for it, and after kInactiveAfter the target falls back.
//
// Sans-IO: the caller feeds every packet of the producer with its layer and the time, and asks
// which layer wants a keyframe (to request it of the publisher, rate-limited elsewhere).
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "router/clock.h"

namespace umbra::router {

class SimulcastSelector {
 public:
  static constexpr std::size_t kMaxLayers = 3;
  static constexpr Duration kInactiveAfter = std::chrono::seconds(1);
  // At the start the layers' first packets arrive within milliseconds of each other: a keyframe
  // of a layer below the ceiling is not taken this early, when a better layer may be about to
  // show up (it would cost a second switch a frame later).
  static constexpr Duration kStartGrace = std::chrono::milliseconds(100);

  // layer_count in 1..kMaxLayers (clamped); the preferred layer starts at the highest.
  explicit SimulcastSelector(std::size_t layer_count);

  // The subscriber's ceiling (clamped to the layers there are). The target follows at once; the
  // switch itself waits for a keyframe of the new layer.
  void set_preferred(std::size_t layer, TimePoint now);
  std::size_t preferred() const { return preferred_; }
  std::size_t layer_count() const { return count_; }

  // The layer being forwarded; nullopt until the first keyframe was forwarded.
  std::optional<std::size_t> current() const { return current_; }
  // The layer the selector wants: equal to current() once settled, otherwise the layer whose
  // keyframe it waits for.
  std::optional<std::size_t> target() const { return target_; }
  // The layer to ask the publisher a keyframe of, while a switch (or the start) waits for one.
  std::optional<std::size_t> wanted_keyframe() const { return target_ != current_ ? target_ : std::nullopt; }

  struct Decision {
    bool forward = false;
    // This packet starts the forwarded stream anew (the first one, or a switch of layer): the
    // caller resyncs its RtpRewriter before mapping it.
    bool switched = false;
  };
  // One packet of `layer` arrived at `now`; keyframe: it starts a keyframe of that layer.
  Decision on_packet(std::size_t layer, bool keyframe, TimePoint now);

  // Re-evaluates which layers are flowing without a packet (a timer): a target that went quiet
  // is replaced. Returns true when the target changed.
  bool on_timeout(TimePoint now);

  // The forwarded stream must start again at a keyframe (a paused consumer resumed): the current
  // layer is dropped and the best flowing layer becomes the target.
  void restart(TimePoint now);

 private:
  bool flowing(std::size_t layer, TimePoint now) const;
  std::optional<std::size_t> best(TimePoint now) const;
  bool retarget(TimePoint now);

  std::size_t count_;
  std::size_t preferred_;
  std::optional<std::size_t> current_;
  std::optional<std::size_t> target_;
  std::array<std::optional<TimePoint>, kMaxLayers> last_seen_{};
  std::optional<TimePoint> first_seen_;
};

}  // namespace umbra::router
