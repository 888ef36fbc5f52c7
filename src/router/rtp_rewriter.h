// Per-consumer rewriting of SSRC, sequence number and timestamp (the SSRC is the consumer's own
// and is written by the caller; this class owns the numbering).
//
// A consumer's outgoing stream must look like one continuous RTP stream to the receiver's jitter
// buffer whatever happens upstream: when the source changes (another producer, a publisher that
// restarted with a new SSRC or a jump in its numbering) the next packet continues the consumer's
// sequence at +1 and its timestamp advances by the wall-clock time that passed; packets the
// router decides not to forward are closed up so the receiver never NACKs a hole that will never
// be filled. Out-of-order packets keep their relative order.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "router/clock.h"
#include "router/seq_num.h"

namespace umbra::router {

struct RewrittenRtp {
  std::uint16_t seq = 0;
  std::uint32_t timestamp = 0;
};

class RtpRewriter {
 public:
  // clock_rate in Hz (90000 for video, 48000 for Opus). initial_seq and initial_timestamp should
  // be random (RFC 3550 section 5.1); tests pass fixed values.
  RtpRewriter(std::uint32_t clock_rate, std::uint16_t initial_seq, std::uint32_t initial_timestamp);

  // Maps one packet of the source onto the consumer's stream, or nullopt to drop it: a packet
  // from before the current source began (it would land on numbers already used), a straggler
  // of the previous source, or one that was skipped. A packet from a new SSRC starts a new
  // mapping: the caller feeds only the source it has selected.
  std::optional<RewrittenRtp> rewrite(std::uint32_t source_ssrc, std::uint16_t seq, std::uint32_t timestamp,
                                      TimePoint now);

  // The router will not forward this packet of the current source: later packets move down by
  // one so the consumer's sequence has no hole.
  void skip(std::uint32_t source_ssrc, std::uint16_t seq);

  // The next packet starts a new mapping even if it comes from the same SSRC or the previous
  // one (a switch decided by the caller, usually on a keyframe).
  void resync() { resync_ = true; }

  // For consumer NACKs: the source sequence number that became out_seq, if it belongs to the
  // current source and was forwarded.
  std::optional<std::uint16_t> source_seq(std::uint16_t out_seq) const;

  // The consumer's timestamp for a timestamp of the current source (for retransmissions).
  std::uint32_t map_timestamp(std::uint32_t source_timestamp) const { return source_timestamp + ts_offset_; }

  std::uint32_t source_ssrc() const { return source_ssrc_; }
  bool has_output() const { return has_output_; }
  std::uint16_t last_seq() const { return static_cast<std::uint16_t>(out_highest_); }
  std::uint32_t last_timestamp() const { return out_last_ts_; }

  // A source whose numbering jumps further than this is treated as a new source (a publisher
  // restart keeping its SSRC); anything older than this behind the newest packet is dropped.
  static constexpr std::int64_t kMaxSeqJump = 3000;

 private:
  void start_mapping(std::uint32_t source_ssrc, std::uint16_t seq, std::uint32_t timestamp, TimePoint now);
  std::int64_t skipped_before(std::int64_t in_ext) const;
  bool is_skipped(std::int64_t in_ext) const;
  void prune_skips();

  std::uint32_t clock_rate_;

  // The consumer's side.
  bool has_output_ = false;
  std::int64_t out_highest_;  // extended
  std::uint32_t out_last_ts_;
  TimePoint out_last_time_{};

  // The current source and how it maps: out = in + seq_offset_ - (skips before in).
  bool has_source_ = false;
  bool resync_ = false;
  std::uint32_t source_ssrc_ = 0;
  bool has_previous_ = false;
  std::uint32_t previous_ssrc_ = 0;
  SeqUnwrapper in_seq_;
  std::int64_t in_base_ = 0;       // first extended seq of this mapping
  std::int64_t in_forwarded_ = 0;  // newest extended seq forwarded
  std::int64_t seq_offset_ = 0;
  std::uint32_t ts_offset_ = 0;
  std::vector<std::int64_t> skipped_;  // sorted extended source seqs, recent only
};

}  // namespace umbra::router
