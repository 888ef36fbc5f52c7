#include "router/nack_responder.h"

#include "rtc/rtp/packet.h"
#include "rtc/rtp/rtx.h"

namespace umbra::router {

std::size_t NackResponder::answer(std::span<const std::uint16_t> nacked, const RtpRewriter& rewriter,
                                  const PacketCache& cache, TimePoint now, std::vector<Bytes>& out) {
  std::size_t appended = 0;
  for (const std::uint16_t out_seq : nacked) {
    Sent& sent = recent_[out_seq % recent_.size()];
    if (sent.used && sent.seq == out_seq && now - sent.at < rtt_) continue;

    const auto source_seq = rewriter.source_seq(out_seq);
    const auto cached = source_seq ? cache.find(*source_seq, now) : std::nullopt;
    if (!cached) {
      ++missing_total_;
      continue;
    }
    scratch_.assign(cached->begin(), cached->end());
    auto packet = rtc::rtp::RtpPacket::parse(scratch_);
    if (!packet) {
      ++missing_total_;
      continue;
    }
    packet->set_ssrc(params_.ssrc);
    packet->set_sequence_number(out_seq);
    packet->set_timestamp(rewriter.map_timestamp(packet->timestamp()));
    packet->set_payload_type(params_.payload_type);

    if (params_.rtx_ssrc) {
      Bytes rtx(rtc::rtp::rtx_wrapped_size(*packet));
      const auto n = rtc::rtp::rtx_wrap(*packet, params_.rtx_payload_type, *params_.rtx_ssrc, rtx_seq_, rtx);
      if (!n) {
        ++missing_total_;
        continue;
      }
      ++rtx_seq_;
      rtx.resize(*n);
      out.push_back(std::move(rtx));
    } else {
      out.push_back(scratch_);
    }
    sent = Sent{true, out_seq, now};
    ++resent_total_;
    ++appended;
  }
  return appended;
}

}  // namespace umbra::router
