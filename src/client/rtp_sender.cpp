#include "client/rtp_sender.h"

#include "rtc/rtcp/packet.h"
#include "rtc/rtp/header.h"
#include "rtc/rtp/rtx.h"

namespace umbra::client {

RtpSender::RtpSender(RtpSenderParams params, std::uint16_t initial_seq, std::size_t history)
    : params_(params), seq_(initial_seq), history_size_(history) {}

Bytes RtpSender::packetize(ByteSpan payload, std::uint32_t timestamp, bool marker) {
  rtc::rtp::RtpHeader header;
  header.marker = marker;
  header.payload_type = params_.payload_type;
  header.sequence_number = seq_++;
  header.timestamp = timestamp;
  header.ssrc = params_.ssrc;
  auto built = header.build(payload);
  if (!built) return {};
  history_[header.sequence_number] = *built;
  order_.push_back(header.sequence_number);
  while (order_.size() > history_size_) {
    history_.erase(order_.front());
    order_.pop_front();
  }
  return std::move(*built);
}

std::vector<Bytes> RtpSender::handle_rtcp(ByteSpan compound) {
  std::vector<Bytes> out;
  const auto packets = rtc::rtcp::parse_packets(compound);
  if (!packets) return out;
  for (const auto& packet : *packets) {
    if (const auto* nack = std::get_if<rtc::rtcp::Nack>(&packet)) {
      if (nack->media_ssrc != params_.ssrc) continue;
      for (const std::uint16_t seq : nack->lost_sequence_numbers()) {
        ++nacked_;
        const auto it = history_.find(seq);
        if (it == history_.end()) continue;
        if (!params_.rtx_ssrc) {
          out.push_back(it->second);
        } else {
          Bytes copy = it->second;
          const auto original = rtc::rtp::RtpPacket::parse(copy);
          if (!original) continue;
          Bytes rtx(rtc::rtp::rtx_wrapped_size(*original));
          const auto n =
              rtc::rtp::rtx_wrap(*original, params_.rtx_payload_type, *params_.rtx_ssrc, rtx_seq_++, rtx);
          if (!n) continue;
          rtx.resize(*n);
          out.push_back(std::move(rtx));
        }
        ++retransmitted_;
      }
    } else if (const auto* pli = std::get_if<rtc::rtcp::Pli>(&packet)) {
      if (pli->media_ssrc == params_.ssrc) ++keyframe_requests_;
    } else if (const auto* fir = std::get_if<rtc::rtcp::Fir>(&packet)) {
      for (const auto& e : fir->entries) {
        if (e.ssrc == params_.ssrc) ++keyframe_requests_;
      }
    }
  }
  return out;
}

}  // namespace umbra::client
