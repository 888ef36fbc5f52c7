#include "rtc/rtp/rtx.h"

#include <algorithm>

namespace umbra::rtc::rtp {
namespace {

// Copies the header with the padding bit cleared and the identity fields replaced.
void write_header(const RtpPacket& from, std::uint8_t payload_type, std::uint32_t ssrc, std::uint16_t seq,
                  MutableByteSpan out) {
  const auto header = from.header();
  std::copy(header.begin(), header.end(), out.begin());
  out[0] = static_cast<std::uint8_t>(out[0] & ~0x20);
  out[1] = static_cast<std::uint8_t>((out[1] & 0x80) | (payload_type & 0x7F));
  store_be16(out.data() + 2, seq);
  store_be32(out.data() + 8, ssrc);
}

}  // namespace

Result<std::size_t, std::string_view> rtx_wrap(const RtpPacket& original, std::uint8_t rtx_payload_type,
                                               std::uint32_t rtx_ssrc, std::uint16_t rtx_sequence_number,
                                               MutableByteSpan out) {
  const std::size_t size = rtx_wrapped_size(original);
  if (out.size() < size) return err("rtx: output buffer too small");
  write_header(original, rtx_payload_type, rtx_ssrc, rtx_sequence_number, out);
  const std::size_t at = original.header_size();
  store_be16(out.data() + at, original.sequence_number());
  const auto payload = original.payload();
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(at + kRtxOverhead));
  return size;
}

Result<std::size_t, std::string_view> rtx_unwrap(const RtpPacket& rtx, std::uint8_t original_payload_type,
                                                 std::uint32_t original_ssrc, MutableByteSpan out) {
  const auto payload = rtx.payload();
  if (payload.size() < kRtxOverhead) return err("rtx: no original sequence number");
  const std::size_t size = rtx.header_size() + payload.size() - kRtxOverhead;
  if (out.size() < size) return err("rtx: output buffer too small");
  write_header(rtx, original_payload_type, original_ssrc, load_be16(payload.data()), out);
  std::copy(payload.begin() + kRtxOverhead, payload.end(),
            out.begin() + static_cast<std::ptrdiff_t>(rtx.header_size()));
  return size;
}

}  // namespace umbra::rtc::rtp
