#include "archive/jitter_buffer.h"

namespace umbra::archive {

void JitterBuffer::push(std::uint16_t sequence_number, ByteSpan packet, TimePoint now) {
  std::int64_t extended = unwrapper_.unwrap(sequence_number);
  if (next_ && extended < *next_) {
    if (++consecutive_late_ < kResyncAfterLate) {
      ++stats_.late;
      return;
    }
    // Start over at the new numbers. What is still held belongs to the old run and was waiting on
    // a gap that will not fill now; it is given up like the packets before the jump. New packets
    // interleave with retransmissions in a live stream, so a long run of only late ones is a jump.
    stats_.discarded += packets_.size();
    packets_.clear();
    ++stats_.resyncs;
    unwrapper_ = {};
    extended = unwrapper_.unwrap(sequence_number);
    next_.reset();
    discontinuity_ = true;
  }
  consecutive_late_ = 0;
  const auto [it, inserted] = packets_.try_emplace(extended);
  if (!inserted) {
    ++stats_.duplicates;
    return;
  }
  it->second.bytes.assign(packet.begin(), packet.end());
  it->second.arrived = now;
}

ReleasedPacket JitterBuffer::release_first() {
  const auto first = packets_.begin();
  const std::int64_t seq = first->first;
  ReleasedPacket out{std::move(first->second.bytes), first->second.arrived, 0, discontinuity_};
  discontinuity_ = false;
  packets_.erase(first);
  // The very first packet sets the start: nothing before it was ever expected.
  if (next_) out.lost_before = static_cast<std::uint64_t>(seq - *next_);
  stats_.lost += out.lost_before;
  ++stats_.released;
  next_ = seq + 1;
  return out;
}

std::optional<ReleasedPacket> JitterBuffer::pop(TimePoint now) {
  if (packets_.empty()) return std::nullopt;
  const std::int64_t first_seq = packets_.begin()->first;
  // In order: release now. At the start nothing is in order yet, so the first packet waits
  // start_delay, in case an earlier one was merely overtaken by it.
  if (next_ && first_seq == *next_) return release_first();
  if (packets_.size() > config_.max_packets) return release_first();
  // Wait on the gap for as long as the oldest packet held has been waiting.
  if (now - oldest_arrival() >= current_delay()) return release_first();
  return std::nullopt;
}

std::optional<ReleasedPacket> JitterBuffer::drain() {
  if (packets_.empty()) return std::nullopt;
  return release_first();
}

std::optional<TimePoint> JitterBuffer::next_timeout() const {
  if (packets_.empty()) return std::nullopt;
  return oldest_arrival() + current_delay();
}

TimePoint JitterBuffer::oldest_arrival() const {
  TimePoint oldest = packets_.begin()->second.arrived;
  for (const auto& [seq, held] : packets_) oldest = std::min(oldest, held.arrived);
  return oldest;
}

}  // namespace umbra::archive
