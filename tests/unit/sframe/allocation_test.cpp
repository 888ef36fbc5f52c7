// The per-frame path allocates nothing once a key is added (cisco/sframe's model; a media thread
// sealing 50 frames a second per track should not touch the heap). Counts C++ allocations only:
// what OpenSSL does inside EVP is outside this check.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sframe/sframe.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<int> allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace umbra::sframe {
namespace {

class SframeAllocation : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(SframeAllocation, ProtectAndUnprotectAllocateNothingPerFrame) {
  Context sender(GetParam());
  Context receiver(GetParam());
  const Bytes base_key(16, 0x11);
  sender.add_key(7, base_key);
  receiver.add_key(7, base_key);
  const Bytes metadata(10, 0x22);
  const Bytes plaintext(1200, 0x33);
  Bytes frame(plaintext.size() + kMaxOverhead);
  Bytes out(frame.size());

  allocations = 0;
  counting = true;
  int opened_frames = 0;
  for (int i = 0; i < 100; ++i) {
    const auto n = sender.protect(7, metadata, plaintext, frame);
    const auto opened = receiver.unprotect(metadata, ByteSpan(frame).first(n.ok() ? *n : 0), out);
    if (opened.ok()) ++opened_frames;
  }
  counting = false;

  EXPECT_EQ(opened_frames, 100);
  EXPECT_EQ(allocations.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Suites, SframeAllocation,
                         ::testing::Values(CipherSuite::kAes128CtrHmacSha256_80,
                                           CipherSuite::kAes128GcmSha256_128,
                                           CipherSuite::kAes256CtrHmacSha512_32),
                         [](const auto& suite_info) {
                           return "Suite" + std::to_string(static_cast<int>(suite_info.param));
                         });

}  // namespace
}  // namespace umbra::sframe
