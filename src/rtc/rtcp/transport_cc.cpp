#include "rtc/rtcp/transport_cc.h"

#include <algorithm>

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {
namespace {

using Status = TransportCc::Status;

constexpr std::size_t kMaxRunLength = 0x1FFF;  // 13 bits
constexpr std::size_t kOneBitSymbols = 14;
constexpr std::size_t kTwoBitSymbols = 7;

std::int32_t sign_extend_24(std::uint32_t v) {
  return (v & 0x800000u) ? static_cast<std::int32_t>(v) - 0x1000000 : static_cast<std::int32_t>(v);
}

bool delta_fits(Status s, std::int16_t delta) {
  switch (s) {
    case Status::kNotReceived: return delta == 0;
    case Status::kSmallDelta: return delta >= 0 && delta <= 255;
    case Status::kLargeDelta: return true;
  }
  return false;
}

// Appends status chunks for statuses (section 3.1.1..3.1.4).
void write_chunks(const std::vector<TransportCc::PacketStatus>& packets, Bytes& out) {
  const std::size_t n = packets.size();
  std::size_t i = 0;
  while (i < n) {
    const Status s = packets[i].status;
    std::size_t run = 1;
    while (i + run < n && run < kMaxRunLength && packets[i + run].status == s) ++run;
    const std::size_t one_bit_window = std::min(kOneBitSymbols, n - i);
    const bool window_has_large =
        std::any_of(packets.begin() + static_cast<std::ptrdiff_t>(i),
                    packets.begin() + static_cast<std::ptrdiff_t>(i + one_bit_window),
                    [](const auto& p) { return p.status == Status::kLargeDelta; });
    if (run >= kOneBitSymbols || i + run == n || (window_has_large && run >= kTwoBitSymbols)) {
      // Run length chunk: T=0 | S(2) | run length(13).
      append_be16(out, static_cast<std::uint16_t>((static_cast<unsigned>(s) << 13) | run));
      i += run;
    } else if (!window_has_large) {
      // Status vector chunk, 1-bit symbols: T=1 | S=0 | 14 symbols; unused symbols are 0.
      unsigned chunk = 0x8000;
      for (std::size_t k = 0; k < one_bit_window; ++k) {
        if (packets[i + k].status == Status::kSmallDelta) chunk |= 1u << (13 - k);
      }
      append_be16(out, static_cast<std::uint16_t>(chunk));
      i += one_bit_window;
    } else {
      // Status vector chunk, 2-bit symbols: T=1 | S=1 | 7 symbols.
      const std::size_t count = std::min(kTwoBitSymbols, n - i);
      unsigned chunk = 0xC000;
      for (std::size_t k = 0; k < count; ++k) {
        chunk |= static_cast<unsigned>(packets[i + k].status) << (12 - 2 * k);
      }
      append_be16(out, static_cast<std::uint16_t>(chunk));
      i += count;
    }
  }
}

}  // namespace

Result<TransportCc, std::string_view> TransportCc::from_arrivals(
    std::uint32_t sender_ssrc, std::uint32_t media_ssrc, std::uint16_t base_sequence,
    std::uint8_t feedback_count, std::span<const std::optional<std::int64_t>> arrival_us) {
  if (arrival_us.size() > 0xFFFF) return err("twcc: more than 65535 packets");
  TransportCc fb;
  fb.sender_ssrc = sender_ssrc;
  fb.media_ssrc = media_ssrc;
  fb.base_sequence = base_sequence;
  fb.feedback_count = feedback_count;
  const auto first =
      std::find_if(arrival_us.begin(), arrival_us.end(), [](const auto& a) { return a.has_value(); });
  std::int64_t previous_ticks = 0;
  if (first != arrival_us.end()) {
    // Floor division so times before the epoch still land on the reference time below them.
    std::int64_t reference = **first / kReferenceTimeUs;
    if (**first < 0 && **first % kReferenceTimeUs != 0) --reference;
    fb.reference_time = sign_extend_24(static_cast<std::uint32_t>(reference) & 0xFFFFFFu);
    previous_ticks = reference * (kReferenceTimeUs / kDeltaTickUs);
  }
  for (const auto& arrival : arrival_us) {
    if (!arrival) {
      fb.packets.push_back({Status::kNotReceived, 0});
      continue;
    }
    std::int64_t ticks = *arrival / kDeltaTickUs;
    if (*arrival < 0 && *arrival % kDeltaTickUs != 0) --ticks;
    const std::int64_t delta = ticks - previous_ticks;
    previous_ticks = ticks;
    if (delta < INT16_MIN || delta > INT16_MAX) return err("twcc: receive delta does not fit 16 bits");
    const auto d = static_cast<std::int16_t>(delta);
    fb.packets.push_back({(d >= 0 && d <= 255) ? Status::kSmallDelta : Status::kLargeDelta, d});
  }
  return fb;
}

std::vector<std::optional<std::int64_t>> TransportCc::arrival_times_us() const {
  std::vector<std::optional<std::int64_t>> out;
  out.reserve(packets.size());
  std::int64_t t = std::int64_t{reference_time} * kReferenceTimeUs;
  for (const auto& p : packets) {
    if (p.status == Status::kNotReceived) {
      out.push_back(std::nullopt);
      continue;
    }
    t += std::int64_t{p.delta_ticks} * kDeltaTickUs;
    out.push_back(t);
  }
  return out;
}

Parsed<TransportCc> TransportCc::parse(const PacketView& view) {
  if (view.type != type::kRtpFeedback || view.count != kFormat) return err("rtcp: not transport-cc feedback");
  const auto header = parse_feedback_header(view);
  if (!header) return err(header.error());
  ByteReader r(header->fci);
  const auto base = r.u16();
  const auto status_count = r.u16();
  const auto reference = r.u24();
  const auto count = r.u8();
  if (!base || !status_count || !reference || !count) return err("twcc: header truncated");
  TransportCc fb;
  fb.sender_ssrc = header->sender_ssrc;
  fb.media_ssrc = header->media_ssrc;
  fb.base_sequence = *base;
  fb.reference_time = sign_extend_24(*reference);
  fb.feedback_count = *count;
  fb.packets.reserve(*status_count);
  while (fb.packets.size() < *status_count) {
    const auto chunk = r.u16();
    if (!chunk) return err("twcc: status chunks truncated");
    const std::size_t remaining = *status_count - fb.packets.size();
    if ((*chunk & 0x8000) == 0) {
      const auto s = static_cast<unsigned>((*chunk >> 13) & 0x03);
      const std::size_t run = std::min<std::size_t>(*chunk & kMaxRunLength, remaining);
      if (s == 3 && run > 0) return err("twcc: reserved status symbol");
      fb.packets.insert(fb.packets.end(), run, {static_cast<Status>(s), 0});
    } else if ((*chunk & 0x4000) == 0) {
      for (std::size_t k = 0; k < std::min(kOneBitSymbols, remaining); ++k) {
        const bool received = (*chunk >> (13 - k)) & 1u;
        fb.packets.push_back({received ? Status::kSmallDelta : Status::kNotReceived, 0});
      }
    } else {
      for (std::size_t k = 0; k < std::min(kTwoBitSymbols, remaining); ++k) {
        const auto s = static_cast<unsigned>((*chunk >> (12 - 2 * k)) & 0x03u);
        if (s == 3) return err("twcc: reserved status symbol");
        fb.packets.push_back({static_cast<Status>(s), 0});
      }
    }
  }
  for (auto& p : fb.packets) {
    if (p.status == Status::kSmallDelta) {
      const auto d = r.u8();
      if (!d) return err("twcc: receive deltas truncated");
      p.delta_ticks = *d;
    } else if (p.status == Status::kLargeDelta) {
      const auto d = r.u16();
      if (!d) return err("twcc: receive deltas truncated");
      p.delta_ticks = static_cast<std::int16_t>(*d);
    }
  }
  // Whatever follows is zero padding to the 32-bit boundary (section 3.1).
  return fb;
}

Written TransportCc::serialize(Bytes& out) const {
  if (packets.size() > 0xFFFF) return err("twcc: more than 65535 packets");
  for (const auto& p : packets) {
    if (!delta_fits(p.status, p.delta_ticks)) return err("twcc: delta does not fit its status");
  }
  const auto start = begin_packet(out, kFormat, type::kRtpFeedback);
  append_be32(out, sender_ssrc);
  append_be32(out, media_ssrc);
  append_be16(out, base_sequence);
  append_be16(out, static_cast<std::uint16_t>(packets.size()));
  append_be24(out, static_cast<std::uint32_t>(reference_time) & 0xFFFFFFu);
  append_u8(out, feedback_count);
  write_chunks(packets, out);
  for (const auto& p : packets) {
    if (p.status == Status::kSmallDelta) {
      append_u8(out, static_cast<std::uint8_t>(p.delta_ticks));
    } else if (p.status == Status::kLargeDelta) {
      append_be16(out, static_cast<std::uint16_t>(p.delta_ticks));
    }
  }
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
