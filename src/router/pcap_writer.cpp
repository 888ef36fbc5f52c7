#include "router/pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace umbra::router {
namespace {

// libpcap writes its headers in the writer's byte order; readers detect it from the magic.
void put_le32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

constexpr std::size_t kMaxUdpPayload = 65535 - kIpv4UdpHeaderSize;

}  // namespace

Bytes pcap_global_header(std::uint32_t snaplen) {
  Bytes out;
  out.reserve(kPcapGlobalHeaderSize);
  put_le32(out, 0xa1b2c3d4);  // microsecond-resolution magic
  put_le16(out, 2);           // version 2.4
  put_le16(out, 4);
  put_le32(out, 0);  // thiszone
  put_le32(out, 0);  // sigfigs
  put_le32(out, snaplen);
  put_le32(out, kPcapLinktypeRaw);
  return out;
}

std::uint16_t ipv4_checksum(ByteSpan header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < header.size(); i += 2) sum += load_be16(header.data() + i);
  if (header.size() % 2 != 0) sum += std::uint32_t{header.back()} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void append_pcap_record(Bytes& out, std::uint64_t unix_micros, const PcapEndpoint& src,
                        const PcapEndpoint& dst, ByteSpan payload) {
  const std::size_t captured_payload = std::min(payload.size(), kMaxUdpPayload);
  const auto packet_size = static_cast<std::uint32_t>(kIpv4UdpHeaderSize + captured_payload);
  put_le32(out, static_cast<std::uint32_t>(unix_micros / 1'000'000));
  put_le32(out, static_cast<std::uint32_t>(unix_micros % 1'000'000));
  put_le32(out, packet_size);
  put_le32(out, static_cast<std::uint32_t>(kIpv4UdpHeaderSize + payload.size()));

  // IPv4 header (RFC 791): version 4, IHL 5, no options, don't fragment, TTL 64, UDP.
  const std::size_t ip_start = out.size();
  out.push_back(0x45);
  out.push_back(0);
  put_be16(out, static_cast<std::uint16_t>(packet_size));
  put_be16(out, 0);       // identification
  put_be16(out, 0x4000);  // DF
  out.push_back(64);
  out.push_back(17);
  put_be16(out, 0);  // checksum, filled below
  out.insert(out.end(), src.ip.begin(), src.ip.end());
  out.insert(out.end(), dst.ip.begin(), dst.ip.end());
  const std::uint16_t checksum = ipv4_checksum(ByteSpan(out).subspan(ip_start, 20));
  store_be16(out.data() + ip_start + 10, checksum);

  // UDP header (RFC 768); a zero checksum means "not computed", which IPv4 allows.
  put_be16(out, src.port);
  put_be16(out, dst.port);
  put_be16(out, static_cast<std::uint16_t>(8 + captured_payload));
  put_be16(out, 0);
  out.insert(out.end(), payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(captured_payload));
}

Result<std::unique_ptr<PcapFile>, std::string> PcapFile::create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return err("cannot create " + path + ": " + std::strerror(errno));
  const Bytes header = pcap_global_header();
  if (std::fwrite(header.data(), 1, header.size(), f) != header.size()) {
    (void)std::fclose(f);  // already failing; the write error is the one to report
    return err("cannot write " + path);
  }
  return std::unique_ptr<PcapFile>(new PcapFile(f));
}

PcapFile::~PcapFile() {
  // Like a short write, a failed close of a debugging dump must not disturb the call.
  (void)std::fclose(file_);
}

void PcapFile::write(std::uint64_t unix_micros, const PcapEndpoint& src, const PcapEndpoint& dst,
                     ByteSpan payload) {
  scratch_.clear();
  append_pcap_record(scratch_, unix_micros, src, dst, payload);
  // A dump is a debugging aid: a full disk must not disturb the call, so a short write is ignored.
  if (std::fwrite(scratch_.data(), 1, scratch_.size(), file_) == scratch_.size()) ++records_;
}

void PcapFile::flush() {
  (void)std::fflush(file_);  // best effort, as for writes
}

}  // namespace umbra::router
