#include "router/rtp_rewriter.h"

#include <algorithm>

namespace umbra::router {

RtpRewriter::RtpRewriter(std::uint32_t clock_rate, std::uint16_t initial_seq, std::uint32_t initial_timestamp)
    : clock_rate_(clock_rate),
      out_highest_(static_cast<std::int64_t>(initial_seq) - 1),
      out_last_ts_(initial_timestamp) {}

void RtpRewriter::start_mapping(std::uint32_t source_ssrc, std::uint16_t seq, std::uint32_t timestamp,
                                TimePoint now) {
  if (has_source_ && source_ssrc != source_ssrc_) {
    has_previous_ = true;
    previous_ssrc_ = source_ssrc_;
  }
  has_source_ = true;
  resync_ = false;
  source_ssrc_ = source_ssrc;
  in_seq_ = SeqUnwrapper{};
  in_base_ = in_seq_.unwrap(seq);
  in_forwarded_ = in_base_ - 1;
  skipped_.clear();
  seq_offset_ = out_highest_ + 1 - in_base_;
  if (!has_output_) {
    ts_offset_ = out_last_ts_ - timestamp;
    return;
  }
  // The new source's first packet is placed as far after the last one sent as wall-clock time
  // says, so the receiver's jitter buffer and lip sync see a pause, not a jump (at least one tick
  // so two frames never share a timestamp).
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - out_last_time_).count();
  const std::uint64_t ticks = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed, 0)) * clock_rate_ / 1'000'000);
  ts_offset_ = out_last_ts_ + static_cast<std::uint32_t>(ticks) - timestamp;
}

std::optional<RewrittenRtp> RtpRewriter::rewrite(std::uint32_t source_ssrc, std::uint16_t seq,
                                                 std::uint32_t timestamp, TimePoint now) {
  if (has_previous_ && !resync_ && source_ssrc == previous_ssrc_ && source_ssrc != source_ssrc_) {
    // A straggler of the source we switched away from: its numbers were already continued.
    return std::nullopt;
  }
  if (!has_source_ || resync_ || source_ssrc != source_ssrc_) {
    start_mapping(source_ssrc, seq, timestamp, now);
  } else {
    const std::int64_t ext = in_seq_.peek(seq);
    if (ext - in_seq_.highest() > kMaxSeqJump) {
      start_mapping(source_ssrc, seq, timestamp, now);
    } else if (ext < in_base_ || in_seq_.highest() - ext > kMaxSeqJump) {
      return std::nullopt;
    }
  }
  const std::int64_t in_ext = in_seq_.unwrap(seq);
  if (is_skipped(in_ext)) return std::nullopt;
  const std::int64_t out_ext = in_ext + seq_offset_ - skipped_before(in_ext);
  const std::uint32_t out_ts = timestamp + ts_offset_;
  if (!has_output_ || out_ext > out_highest_) {
    out_highest_ = out_ext;
    out_last_ts_ = out_ts;
    out_last_time_ = now;
  }
  has_output_ = true;
  in_forwarded_ = std::max(in_forwarded_, in_ext);
  prune_skips();
  return RewrittenRtp{static_cast<std::uint16_t>(out_ext), out_ts};
}

void RtpRewriter::skip(std::uint32_t source_ssrc, std::uint16_t seq) {
  if (!has_source_ || resync_ || source_ssrc != source_ssrc_) return;
  const std::int64_t ext = in_seq_.peek(seq);
  if (ext - in_seq_.highest() > kMaxSeqJump) return;
  // A packet behind one already forwarded cannot be closed up without renumbering what the
  // consumer already has; it stays a hole (a NACK for it simply finds nothing).
  if (ext <= in_forwarded_) return;
  in_seq_.unwrap(seq);
  const auto it = std::lower_bound(skipped_.begin(), skipped_.end(), ext);
  if (it == skipped_.end() || *it != ext) skipped_.insert(it, ext);
}

std::int64_t RtpRewriter::skipped_before(std::int64_t in_ext) const {
  return std::lower_bound(skipped_.begin(), skipped_.end(), in_ext) - skipped_.begin();
}

bool RtpRewriter::is_skipped(std::int64_t in_ext) const {
  return std::binary_search(skipped_.begin(), skipped_.end(), in_ext);
}

void RtpRewriter::prune_skips() {
  // Packets this far back are dropped anyway, so older skips fold into the offset.
  const std::int64_t horizon = in_seq_.highest() - kMaxSeqJump;
  const auto end = std::lower_bound(skipped_.begin(), skipped_.end(), horizon);
  seq_offset_ -= end - skipped_.begin();
  skipped_.erase(skipped_.begin(), end);
}

std::optional<std::uint16_t> RtpRewriter::source_seq(std::uint16_t out_seq) const {
  if (!has_source_ || !has_output_) return std::nullopt;
  const std::int64_t out_ext = out_highest_ + seq_diff(out_seq, static_cast<std::uint16_t>(out_highest_));
  std::int64_t in = out_ext - seq_offset_;
  // Walk past the skipped numbers at or below the candidate: each one shifts it up by one.
  for (const std::int64_t s : skipped_) {
    if (s > in) break;
    ++in;
  }
  if (in < in_base_ || in > in_forwarded_) return std::nullopt;
  return static_cast<std::uint16_t>(in);
}

}  // namespace umbra::router
