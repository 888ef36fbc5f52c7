// libFuzzer target for the SFrame header codec (RFC 9605 section 4.3): decoding arbitrary bytes
// never crashes, and every header that decodes re-encodes to exactly the bytes it came from (the
// codec accepts only the shortest form, so each header has one encoding).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "sframe/sframe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::sframe;
  const umbra::ByteSpan input(data, size);

  const auto parsed = decode(input);
  if (parsed.ok()) {
    std::array<std::uint8_t, kMaxHeaderSize> buf{};
    const auto written = encode(parsed->header, buf);
    if (!written.ok() || *written != parsed->size || encoded_size(parsed->header) != parsed->size ||
        std::memcmp(buf.data(), data, parsed->size) != 0) {
      std::abort();
    }
  }

  // Encoding any KID and CTR decodes back to them.
  if (size >= 16) {
    Header header;
    std::memcpy(&header.kid, data, 8);
    std::memcpy(&header.ctr, data + 8, 8);
    std::array<std::uint8_t, kMaxHeaderSize> buf{};
    const auto written = encode(header, buf);
    if (!written.ok()) std::abort();
    const auto back = decode(umbra::ByteSpan(buf.data(), *written));
    if (!back.ok() || back->size != *written || back->header.kid != header.kid ||
        back->header.ctr != header.ctr) {
      std::abort();
    }
  }
  return 0;
}
