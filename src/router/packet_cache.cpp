#include "router/packet_cache.h"

namespace umbra::router {

PacketCache::PacketCache(std::size_t slots, Duration max_age)
    : slots_(slots == 0 ? 1 : slots), max_age_(max_age) {}

void PacketCache::insert(std::uint16_t seq, ByteSpan packet, TimePoint now) {
  Slot& slot = slots_[seq % slots_.size()];
  slot.used = true;
  slot.seq = seq;
  slot.stored = now;
  slot.data.assign(packet.begin(), packet.end());
}

std::optional<ByteSpan> PacketCache::find(std::uint16_t seq, TimePoint now) const {
  const Slot& slot = slots_[seq % slots_.size()];
  if (!slot.used || slot.seq != seq || now - slot.stored > max_age_) return std::nullopt;
  return ByteSpan(slot.data);
}

}  // namespace umbra::router
