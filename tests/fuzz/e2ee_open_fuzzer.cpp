// libFuzzer target for the umbra-e2ee-v1 receive path (DESIGN.md section 4.9): KeyRing::open on
// arbitrary bytes, as a subscriber gets them from the network.
//
// Input: codec selector (1 byte: even VP8, odd Opus), then the wire frame. The ring holds the
// session secret of e2ee-v1.json cases 0-2, so seeds made from those wires reach the tag check.
// Invariants: nothing crashes; an opened frame keeps the clear prefix byte for byte and is the wire
// minus header and tag; the same frame never opens twice (replay window).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "e2ee/frame.h"
#include "e2ee/key_ring.h"
#include "e2ee/session_secret.h"

namespace {

constexpr std::uint8_t kSessionSecret[32] = {0x22, 0x71, 0x1a, 0xef, 0x55, 0x0f, 0xa6, 0x48, 0xac, 0x18, 0xc2,
                                             0x69, 0x40, 0x0d, 0x21, 0x9c, 0x87, 0xfd, 0x68, 0x4f, 0xb4, 0x6a,
                                             0xa5, 0x0b, 0x8a, 0xae, 0xcc, 0x97, 0x38, 0x13, 0x51, 0x6a};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::e2ee;
  if (size < 1) return 0;
  const Codec codec = (data[0] & 1) == 0 ? Codec::kVp8 : Codec::kOpus;
  const umbra::ByteSpan wire(data + 1, size - 1);

  KeyRing ring("session-1");
  ring.set_session_secret(SessionSecret::from_bytes(kSessionSecret), TimePoint{});
  umbra::Bytes out(wire.size());
  const auto opened = ring.open(codec, wire, out, TimePoint{});
  if (!opened.ok()) return 0;

  const auto layout = parse_wire(codec, wire);
  if (!layout.ok()) std::abort();
  const std::size_t prefix = layout->prefix_size;
  // wire = prefix || header (1..17 bytes) || ciphertext || 16-byte tag; opened = prefix || plaintext.
  if (*opened < prefix || *opened + 16 + 1 > wire.size() || *opened + 16 + 17 < wire.size() ||
      std::memcmp(out.data(), wire.data(), prefix) != 0) {
    std::abort();
  }
  const auto again = ring.open(codec, wire, out, TimePoint{});
  if (again.ok() || again.error() != Error::kReplay) std::abort();
  return 0;
}
