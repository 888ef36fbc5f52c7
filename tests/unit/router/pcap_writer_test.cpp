#include "router/pcap_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/hex.h"

namespace umbra::router {
namespace {

const PcapEndpoint kSrc{{192, 0, 2, 1}, 50000};
const PcapEndpoint kDst{{192, 0, 2, 2}, 7881};

TEST(PcapWriter, GlobalHeaderIsLibpcapRawIp) {
  EXPECT_EQ(hex_encode(pcap_global_header()), "d4c3b2a1020004000000000000000000ffff000065000000");
}

TEST(PcapWriter, RecordCarriesTheDatagramInIpv4AndUdp) {
  const Bytes rtp = {0x80, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0x42};
  Bytes out;
  append_pcap_record(out, 1'700'000'000'123'456, kSrc, kDst, rtp);
  ASSERT_EQ(out.size(), kPcapRecordHeaderSize + kIpv4UdpHeaderSize + rtp.size());
  // Record header: seconds, microseconds, captured and original length (41).
  EXPECT_EQ(hex_encode(ByteSpan(out).first(16)),
            "00f15365"
            "40e20100"
            "29000000"
            "29000000");
  const ByteSpan ip = ByteSpan(out).subspan(16, 20);
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(load_be16(ip.data() + 2), 41);
  EXPECT_EQ(ip[9], 17) << "UDP";
  EXPECT_EQ(ipv4_checksum(ip), 0) << "a header with its checksum sums to zero";
  const ByteSpan udp = ByteSpan(out).subspan(36, 8);
  EXPECT_EQ(load_be16(udp.data()), 50000);
  EXPECT_EQ(load_be16(udp.data() + 2), 7881);
  EXPECT_EQ(load_be16(udp.data() + 4), 8 + rtp.size());
  EXPECT_EQ(Bytes(out.begin() + 44, out.end()), rtp);
}

TEST(PcapWriter, Ipv4ChecksumMatchesTheTextbookExample) {
  // The classic worked example: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7.
  const Bytes header = hex_decode("450000730000400040110000c0a80001c0a800c7").value();
  EXPECT_EQ(ipv4_checksum(header), 0xb861);
}

TEST(PcapWriter, FileHoldsTheHeaderAndEveryRecord) {
  const auto path = (std::filesystem::temp_directory_path() / "umbra_pcap_writer_test.pcap").string();
  {
    auto file = PcapFile::create(path);
    ASSERT_TRUE(file) << file.error();
    const Bytes rtp(100, 0xab);
    (*file)->write(1, kSrc, kDst, rtp);
    (*file)->write(2, kSrc, kDst, rtp);
    EXPECT_EQ((*file)->records(), 2u);
  }
  std::ifstream in(path, std::ios::binary);
  const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.size(), kPcapGlobalHeaderSize + 2 * (kPcapRecordHeaderSize + kIpv4UdpHeaderSize + 100));
  std::remove(path.c_str());
}

TEST(PcapWriter, CreateFailsClearlyForAMissingDirectory) {
  const auto file = PcapFile::create("/nonexistent-dir/x.pcap");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().find("/nonexistent-dir/x.pcap"), std::string::npos);
}

}  // namespace
}  // namespace umbra::router
