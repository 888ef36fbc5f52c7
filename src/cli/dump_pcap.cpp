#include "cli/dump_pcap.h"

#include <optional>

#include "common/byte_reader.h"

namespace umbra::cli {

namespace {

// libpcap magic numbers (pcap-savefile(5)): the writer's byte order is read from them.
constexpr std::uint32_t kMagicMicros = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNanos = 0xa1b23c4d;
constexpr std::uint32_t kPcapngMagic = 0x0a0d0d0a;
constexpr std::uint32_t kLinktypeRaw = 101;
constexpr std::uint32_t kLinktypeIpv4 = 228;
// Far above any IPv4 packet; a larger record length means the file is corrupt, not a big packet.
constexpr std::uint32_t kMaxRecordSize = 256 * 1024;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr const char* kTruncatedHint =
    " (a router stopped before flushing? --allow-truncated reads the records before the cut)";

std::uint32_t swap32(std::uint32_t v) {
  return ((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | (v >> 24);
}

// Header fields in the file's byte order.
class FieldReader {
 public:
  FieldReader(ByteReader& reader, bool big_endian) : reader_(reader), big_endian_(big_endian) {}
  std::optional<std::uint32_t> u32() {
    const auto v = reader_.u32();  // big-endian
    if (!v) return std::nullopt;
    return big_endian_ ? *v : swap32(*v);
  }
  std::optional<std::uint16_t> u16() {
    const auto v = reader_.u16();
    if (!v) return std::nullopt;
    return big_endian_ ? *v : static_cast<std::uint16_t>((*v >> 8) | (*v << 8));
  }

 private:
  ByteReader& reader_;
  bool big_endian_;
};

// RFC 791 section 3.1 and RFC 768: one unfragmented IPv4 packet carrying UDP, or nullopt.
std::optional<UdpDatagram> parse_ipv4_udp(ByteSpan packet) {
  ByteReader r(packet);
  const auto version_ihl = r.u8();
  if (!version_ihl || (*version_ihl >> 4) != 4) return std::nullopt;
  const std::size_t header_size = std::size_t{*version_ihl & 0x0Fu} * 4;
  if (header_size < 20 || header_size > packet.size()) return std::nullopt;
  (void)r.u8();  // DSCP/ECN
  const auto total_length = r.u16();
  (void)r.u16();  // identification
  const auto flags_fragment = r.u16();
  (void)r.u8();  // TTL
  const auto protocol = r.u8();
  if (!total_length || !flags_fragment || !protocol) return std::nullopt;
  // A fragment (MF set or a non-zero offset) holds only part of a datagram.
  if ((*flags_fragment & 0x3FFF) != 0 || *protocol != kProtocolUdp) return std::nullopt;
  if (*total_length < header_size || *total_length > packet.size()) return std::nullopt;
  (void)r.u16();  // header checksum
  UdpDatagram out;
  const auto src = r.bytes(4);
  const auto dst = r.bytes(4);
  if (!src || !dst) return std::nullopt;
  std::copy(src->begin(), src->end(), out.src_ip.begin());
  std::copy(dst->begin(), dst->end(), out.dst_ip.begin());

  ByteReader udp(packet.subspan(header_size, *total_length - header_size));
  const auto src_port = udp.u16();
  const auto dst_port = udp.u16();
  const auto udp_length = udp.u16();
  if (!src_port || !dst_port || !udp_length || !udp.skip(2)) return std::nullopt;
  if (*udp_length < 8 || *udp_length - 8u > udp.remaining()) return std::nullopt;
  out.src_port = *src_port;
  out.dst_port = *dst_port;
  out.payload = udp.rest().first(*udp_length - 8u);
  return out;
}

}  // namespace

Result<PcapContents, std::string> parse_pcap(ByteSpan file, bool allow_truncated) {
  ByteReader r(file);
  const auto magic_be = r.u32();
  if (!magic_be) return err(std::string("not a pcap file: shorter than its 24-byte header"));
  bool big_endian = false;
  bool nanos = false;
  if (*magic_be == kMagicMicros || *magic_be == kMagicNanos) {
    big_endian = true;
    nanos = *magic_be == kMagicNanos;
  } else if (swap32(*magic_be) == kMagicMicros || swap32(*magic_be) == kMagicNanos) {
    nanos = swap32(*magic_be) == kMagicNanos;
  } else if (*magic_be == kPcapngMagic) {
    return err(std::string("pcapng is not supported: save the capture as pcap (libpcap format)"));
  } else {
    return err(std::string("not a pcap file: unknown magic number"));
  }
  FieldReader f(r, big_endian);
  const auto major = f.u16();
  const auto minor = f.u16();
  const auto thiszone = f.u32();
  const auto sigfigs = f.u32();
  const auto snaplen = f.u32();
  const auto linktype = f.u32();
  if (!major || !minor || !thiszone || !sigfigs || !snaplen || !linktype) {
    return err(std::string("not a pcap file: shorter than its 24-byte header"));
  }
  if (*major != 2)
    return err("unsupported pcap version " + std::to_string(*major) + "." + std::to_string(*minor));
  // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
  const std::uint32_t link = *linktype & 0x0FFFFFFF;
  if (link != kLinktypeRaw && link != kLinktypeIpv4) {
    return err("unsupported pcap link type " + std::to_string(link) +
               " (expected raw IP, 101, as `--rtp-dump` writes)");
  }

  PcapContents out;
  while (!r.empty()) {
    const std::size_t index = out.records + 1;
    const auto seconds = f.u32();
    const auto fraction = f.u32();
    const auto captured = f.u32();
    const auto original = f.u32();
    if (!seconds || !fraction || !captured || !original) {
      if (allow_truncated) {
        out.truncated = true;
        break;
      }
      return err("pcap truncated: record " + std::to_string(index) + " has an incomplete header" +
                 kTruncatedHint);
    }
    if (*captured > kMaxRecordSize || *captured > *original) {
      return err("corrupt pcap: record " + std::to_string(index) + " claims " + std::to_string(*captured) +
                 " captured bytes of " + std::to_string(*original));
    }
    const auto packet = r.bytes(*captured);
    if (!packet) {
      if (allow_truncated) {
        out.truncated = true;
        break;
      }
      return err("pcap truncated: record " + std::to_string(index) + " says " + std::to_string(*captured) +
                 " bytes, the file holds " + std::to_string(r.remaining()) + kTruncatedHint);
    }
    ++out.records;
    auto datagram = *captured == *original ? parse_ipv4_udp(*packet) : std::nullopt;
    if (!datagram) {
      ++out.skipped;
      continue;
    }
    datagram->unix_micros = std::uint64_t{*seconds} * 1'000'000 + (nanos ? *fraction / 1000 : *fraction);
    out.datagrams.push_back(*datagram);
  }
  return out;
}

}  // namespace umbra::cli
