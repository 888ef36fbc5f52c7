// Source description (RFC 3550 section 6.5). The router only needs CNAME, but every item type
// is kept so a relayed SDES survives parse and serialize unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct SdesItem {
  static constexpr std::uint8_t kCname = 1;

  std::uint8_t type = 0;  // 1..255; 0 ends a chunk's item list on the wire
  std::string text;       // at most 255 bytes
  bool operator==(const SdesItem&) const = default;
};

struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::vector<SdesItem> items;
  bool operator==(const SdesChunk&) const = default;
};

struct Sdes {
  std::vector<SdesChunk> chunks;  // at most 31

  bool operator==(const Sdes&) const = default;

  static Sdes with_cname(std::uint32_t ssrc, std::string_view cname);
  std::optional<std::string_view> cname(std::uint32_t ssrc) const;

  static Parsed<Sdes> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
