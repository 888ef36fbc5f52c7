// `--rtp-dump DIR`: the RTP packets a transport receives, after SRTP, as a pcap file that
// Wireshark opens directly (libpcap format, LINKTYPE_RAW: each record an IPv4 packet). The
// packets are wrapped in synthetic IPv4/UDP headers carrying the real 5-tuple where it is IPv4
// (a fixed 10.x address stands in for IPv6 ends), so "Decode As... RTP" on the UDP port, or the
// rtp_udp heuristic, shows each stream. It shows exactly what the router can see: for an E2EE
// session the payloads are SFrame ciphertext.
//
// The encoding is pure (bytes out) so it is tested without files; PcapFile is the thin file shell.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::router {

struct PcapEndpoint {
  std::array<std::uint8_t, 4> ip{};
  std::uint16_t port = 0;
};

inline constexpr std::uint32_t kPcapLinktypeRaw = 101;
inline constexpr std::size_t kPcapGlobalHeaderSize = 24;
inline constexpr std::size_t kPcapRecordHeaderSize = 16;
inline constexpr std::size_t kIpv4UdpHeaderSize = 28;

// The 24-byte file header (microsecond timestamps, native byte order as libpcap writes it).
Bytes pcap_global_header(std::uint32_t snaplen = 65535);

// Appends one record: pcap record header, IPv4 header, UDP header, payload. Payloads too large
// for one IPv4 packet are truncated in the capture (and the record says so).
void append_pcap_record(Bytes& out, std::uint64_t unix_micros, const PcapEndpoint& src,
                        const PcapEndpoint& dst, ByteSpan payload);

// RFC 791 header checksum (one's complement sum of 16-bit words).
std::uint16_t ipv4_checksum(ByteSpan header);

class PcapFile {
 public:
  // Creates (truncates) path and writes the global header.
  static Result<std::unique_ptr<PcapFile>, std::string> create(const std::string& path);
  ~PcapFile();
  PcapFile(const PcapFile&) = delete;
  PcapFile& operator=(const PcapFile&) = delete;

  void write(std::uint64_t unix_micros, const PcapEndpoint& src, const PcapEndpoint& dst, ByteSpan payload);
  void flush();
  std::uint64_t records() const { return records_; }

 private:
  explicit PcapFile(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  Bytes scratch_;
  std::uint64_t records_ = 0;
};

}  // namespace umbra::router
