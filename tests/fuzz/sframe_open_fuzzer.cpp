// libFuzzer target for SFrame unprotect (RFC 9605 section 4.4.4) on arbitrary bytes.
//
// Input: suite selector (1 byte), metadata length (1 byte, mod 16), metadata, then the frame. A
// key is added under whatever KID the frame names, so the fuzzer reaches the tag check. Invariants:
// nothing crashes; a frame that opens, sealed again with its counter, gives back exactly the same
// bytes; and it never opens twice (the replay window).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "sframe/sframe.h"

namespace {

constexpr std::uint8_t kBaseKey[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                       0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::sframe;
  if (size < 2) return 0;
  const auto suite = static_cast<CipherSuite>(data[0] % 8 + 1);
  const std::size_t metadata_size = data[1] % 16u;
  if (size < 2 + metadata_size) return 0;
  const umbra::ByteSpan metadata(data + 2, metadata_size);
  const umbra::ByteSpan frame(data + 2 + metadata_size, size - 2 - metadata_size);

  Context ctx(suite);
  const auto parsed = decode(frame);
  if (parsed.ok()) ctx.add_key(parsed->header.kid, kBaseKey);

  umbra::Bytes out(frame.size());
  const auto opened = ctx.unprotect(metadata, frame, out);
  if (!opened.ok()) return 0;
  if (!parsed.ok() || opened->kid != parsed->header.kid || opened->ctr != parsed->header.ctr ||
      opened->size + parsed->size + tag_size(suite) != frame.size()) {
    std::abort();
  }

  umbra::Bytes resealed(opened->size + kMaxOverhead);
  const auto n = ctx.protect_with_counter(opened->kid, opened->ctr, metadata,
                                          umbra::ByteSpan(out.data(), opened->size), resealed);
  if (!n.ok() || *n != frame.size() || std::memcmp(resealed.data(), frame.data(), *n) != 0) std::abort();

  const auto again = ctx.unprotect(metadata, frame, out);
  if (again.ok() || again.error() != Error::kReplay) std::abort();
  return 0;
}
