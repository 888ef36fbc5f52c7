// SFrame header codec (RFC 9605 section 4.3).
//
//  0 1 2 3 4 5 6 7
// +-+-+-+-+-+-+-+-+---------------------------+---------------------------+
// |X|  K  |Y|  C  |   KID... (length=K+1)     |   CTR... (length=C+1)     |
// +-+-+-+-+-+-+-+-+---------------------------+---------------------------+
//
// A value below 8 sits in the 3-bit field itself (flag clear); otherwise the flag is set and the
// field holds the byte length minus one. We always write the shortest form and, so that every
// header has exactly one encoding (the header is authenticated as sent), refuse any other form.
#include <cstdint>

#include "common/byte_reader.h"
#include "sframe/sframe.h"

namespace umbra::sframe {
namespace {

constexpr std::uint64_t kInlineLimit = 8;

// Bytes needed for v in extended form (1..8).
std::size_t value_size(std::uint64_t v) {
  std::size_t n = 1;
  while (n < 8 && (v >> (8 * n)) != 0) ++n;
  return n;
}

std::size_t field_size(std::uint64_t v) {
  return v < kInlineLimit ? 0 : value_size(v);
}

// The 4 config bits (flag and 3-bit field) for v.
std::uint8_t config_bits(std::uint64_t v) {
  if (v < kInlineLimit) return static_cast<std::uint8_t>(v);
  return static_cast<std::uint8_t>(0x08 | (value_size(v) - 1));
}

void write_value(std::uint8_t* p, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) p[n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Reads the value described by 4 config bits; nullopt when truncated or not in its shortest form.
std::optional<std::uint64_t> read_value(ByteReader& reader, std::uint8_t bits) {
  if ((bits & 0x08) == 0) return bits & 0x07u;
  const std::size_t n = (bits & 0x07u) + 1;
  const auto v = reader.uint(n);
  if (!v || *v < kInlineLimit || value_size(*v) != n) return std::nullopt;
  return v;
}

}  // namespace

std::size_t encoded_size(const Header& header) {
  return 1 + field_size(header.kid) + field_size(header.ctr);
}

Result<std::size_t, Error> encode(const Header& header, MutableByteSpan out) {
  const std::size_t kid_size = field_size(header.kid);
  const std::size_t ctr_size = field_size(header.ctr);
  const std::size_t size = 1 + kid_size + ctr_size;
  if (out.size() < size) return err(Error::kBufferTooSmall);
  out[0] = static_cast<std::uint8_t>((config_bits(header.kid) << 4) | config_bits(header.ctr));
  write_value(out.data() + 1, header.kid, kid_size);
  write_value(out.data() + 1 + kid_size, header.ctr, ctr_size);
  return size;
}

Result<ParsedHeader, Error> decode(ByteSpan frame) {
  ByteReader reader(frame);
  const auto config = reader.u8();
  if (!config) return err(Error::kMalformedHeader);
  const auto kid = read_value(reader, static_cast<std::uint8_t>(*config >> 4));
  if (!kid) return err(Error::kMalformedHeader);
  const auto ctr = read_value(reader, static_cast<std::uint8_t>(*config & 0x0f));
  if (!ctr) return err(Error::kMalformedHeader);
  return ParsedHeader{Header{*kid, *ctr}, reader.position()};
}

}  // namespace umbra::sframe
