// Reading back the pcap files `umbra serve --rtp-dump DIR` writes (router/pcap_writer.h): libpcap
// format, LINKTYPE_RAW, each record an IPv4/UDP packet whose payload is one RTP packet as the router
// received it after SRTP. Files are untrusted input: every length is checked against what the file
// holds, and a file that is not such a capture, or stops in the middle of a record, is an error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::cli {

struct UdpDatagram {
  std::uint64_t unix_micros = 0;
  std::array<std::uint8_t, 4> src_ip{};
  std::array<std::uint8_t, 4> dst_ip{};
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  ByteSpan payload;  // borrows the file's bytes
};

struct PcapContents {
  std::vector<UdpDatagram> datagrams;
  std::size_t records = 0;
  // Records that are well-formed pcap but not a whole, unfragmented IPv4/UDP packet (IPv6,
  // another protocol, a fragment, a capture cut short by the snap length): counted and left out.
  std::size_t skipped = 0;
  // The file stops inside a record (a router killed before it flushed); only with allow_truncated.
  bool truncated = false;
};

// Parses a whole capture held in memory. LINKTYPE_RAW (101) and LINKTYPE_IPV4 (228) are
// accepted, in either byte order and with microsecond or nanosecond timestamps. A file that stops
// inside a record is an error unless allow_truncated, which keeps the whole records before the cut.
Result<PcapContents, std::string> parse_pcap(ByteSpan file, bool allow_truncated = false);

}  // namespace umbra::cli
