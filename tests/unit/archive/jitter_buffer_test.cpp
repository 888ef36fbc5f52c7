#include "archive/jitter_buffer.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace umbra::archive {
namespace {

using std::chrono::milliseconds;

constexpr TimePoint kStart{};

Bytes packet_for(std::uint16_t seq) {
  return {static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
}

std::uint16_t seq_of(const ReleasedPacket& p) {
  return static_cast<std::uint16_t>((p.bytes[0] << 8) | p.bytes[1]);
}

void push(JitterBuffer& buffer, std::uint16_t seq, TimePoint now) {
  buffer.push(seq, packet_for(seq), now);
}

std::vector<std::uint16_t> pop_all(JitterBuffer& buffer, TimePoint now) {
  std::vector<std::uint16_t> out;
  while (auto p = buffer.pop(now)) out.push_back(seq_of(*p));
  return out;
}

TEST(JitterBuffer, PutsReorderedPacketsBackInOrder) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  for (std::uint16_t seq : std::initializer_list<std::uint16_t>{10, 12, 11, 14, 13})
    push(buffer, seq, kStart);
  EXPECT_TRUE(pop_all(buffer, kStart).empty()) << "the first packet waits in case an earlier one is late";
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(100)), (std::vector<std::uint16_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(buffer.stats().lost, 0U);
}

TEST(JitterBuffer, TheFirstPacketWaitsOnlyTheStartDelay) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(500), .start_delay = milliseconds(50)});
  push(buffer, 2, kStart);
  push(buffer, 1, kStart + milliseconds(10));
  EXPECT_EQ(buffer.next_timeout(), kStart + milliseconds(50));
  EXPECT_TRUE(pop_all(buffer, kStart + milliseconds(49)).empty());
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(50)), (std::vector<std::uint16_t>{1, 2}));
}

TEST(JitterBuffer, ReleasesInOrderPacketsAtOnceAfterTheStart) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  push(buffer, 1, kStart);
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(100)).size(), 1U);
  push(buffer, 2, kStart + milliseconds(120));
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(120)), (std::vector<std::uint16_t>{2}));
}

TEST(JitterBuffer, OrdersAcrossTheSequenceNumberWrap) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  for (std::uint16_t seq : std::initializer_list<std::uint16_t>{65534, 0, 65535, 1})
    push(buffer, seq, kStart);
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(100)), (std::vector<std::uint16_t>{65534, 65535, 0, 1}));
}

TEST(JitterBuffer, WaitsOnAGapThenSkipsItAndCountsTheLoss) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  push(buffer, 1, kStart);
  ASSERT_EQ(pop_all(buffer, kStart + milliseconds(100)).size(), 1U);
  push(buffer, 4, kStart + milliseconds(110));
  push(buffer, 5, kStart + milliseconds(120));
  EXPECT_TRUE(pop_all(buffer, kStart + milliseconds(200)).empty());
  ASSERT_EQ(buffer.next_timeout(), kStart + milliseconds(210));
  auto p = buffer.pop(kStart + milliseconds(210));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(seq_of(*p), 4);
  EXPECT_EQ(p->lost_before, 2U);
  p = buffer.pop(kStart + milliseconds(210));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->lost_before, 0U);
  EXPECT_EQ(buffer.stats().lost, 2U);
}

TEST(JitterBuffer, ARetransmissionWithinTheDelayFillsTheGap) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  push(buffer, 1, kStart);
  ASSERT_EQ(pop_all(buffer, kStart + milliseconds(100)).size(), 1U);
  push(buffer, 3, kStart + milliseconds(110));
  push(buffer, 2, kStart + milliseconds(150));  // the NACKed packet comes back
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(150)), (std::vector<std::uint16_t>{2, 3}));
  EXPECT_EQ(buffer.stats().lost, 0U);
}

TEST(JitterBuffer, DropsLatePacketsAndDuplicates) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(100)});
  push(buffer, 1, kStart);
  push(buffer, 3, kStart);
  push(buffer, 3, kStart);
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(100)), (std::vector<std::uint16_t>{1, 3}));
  push(buffer, 2, kStart + milliseconds(101));  // its gap was already given up on
  EXPECT_TRUE(pop_all(buffer, kStart + milliseconds(300)).empty());
  EXPECT_EQ(buffer.stats().late, 1U);
  EXPECT_EQ(buffer.stats().duplicates, 1U);
}

TEST(JitterBuffer, GivesUpOnAGapWhenFull) {
  JitterBuffer buffer({.max_packets = 3, .max_delay = milliseconds(1000), .start_delay = milliseconds(1000)});
  push(buffer, 1, kStart);
  ASSERT_EQ(pop_all(buffer, kStart + milliseconds(1000)).size(), 1U);
  for (int seq = 3; seq <= 6; ++seq)
    push(buffer, static_cast<std::uint16_t>(seq), kStart + milliseconds(1000));
  EXPECT_EQ(pop_all(buffer, kStart + milliseconds(1000)), (std::vector<std::uint16_t>{3, 4, 5, 6}));
  EXPECT_EQ(buffer.stats().lost, 1U);
}

TEST(JitterBuffer, StartsOverWhenTheSequenceNumbersJump) {
  JitterBuffer buffer({.max_packets = 100, .max_delay = milliseconds(100), .start_delay = milliseconds(0)});
  for (int seq = 40000; seq < 40010; ++seq) push(buffer, static_cast<std::uint16_t>(seq), kStart);
  ASSERT_EQ(pop_all(buffer, kStart).size(), 10U);
  // The publisher restarts its counter: 20000 is "before" 40010 the short way round the circle.
  // (A jump forward is just a long gap, given up after max_delay.)
  std::vector<std::uint16_t> released;
  bool marked = false;
  for (int seq = 20000; seq < 20100; ++seq) {
    push(buffer, static_cast<std::uint16_t>(seq), kStart + milliseconds(seq - 20000));
    while (auto p = buffer.pop(kStart + milliseconds(seq - 20000))) {
      marked = marked || p->discontinuity;
      released.push_back(seq_of(*p));
    }
  }
  EXPECT_EQ(buffer.stats().resyncs, 1U);
  ASSERT_FALSE(released.empty()) << "the stream goes on after the jump";
  EXPECT_EQ(released.front(), 20000 + JitterBuffer::kResyncAfterLate - 1);
  EXPECT_EQ(released.back(), 20099);
  EXPECT_TRUE(marked);
}

TEST(JitterBuffer, DrainReleasesEverythingInOrder) {
  JitterBuffer buffer;
  for (std::uint16_t seq : std::initializer_list<std::uint16_t>{7, 5, 9}) push(buffer, seq, kStart);
  std::vector<std::uint16_t> out;
  while (auto p = buffer.drain()) out.push_back(seq_of(*p));
  EXPECT_EQ(out, (std::vector<std::uint16_t>{5, 7, 9}));
  EXPECT_EQ(buffer.stats().lost, 2U);
}

}  // namespace
}  // namespace umbra::archive
