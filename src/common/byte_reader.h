// Bounds-checked reading of network bytes. Every parser reads through this so a length in a
// packet can never take a read past the end of the buffer: a short read just fails.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.h"

namespace umbra {

class ByteReader {
 public:
  explicit ByteReader(ByteSpan data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  std::optional<std::uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<std::uint16_t> u16() {
    if (remaining() < 2) return std::nullopt;
    const auto v = load_be16(data_.data() + pos_);
    pos_ += 2;
    return v;
  }
  std::optional<std::uint32_t> u24() {
    if (remaining() < 3) return std::nullopt;
    const auto* p = data_.data() + pos_;
    pos_ += 3;
    return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
  }
  std::optional<std::uint32_t> u32() {
    if (remaining() < 4) return std::nullopt;
    const auto v = load_be32(data_.data() + pos_);
    pos_ += 4;
    return v;
  }
  // Big-endian unsigned integer of 1..8 bytes.
  std::optional<std::uint64_t> uint(std::size_t n) {
    if (n == 0 || n > 8 || remaining() < n) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    return v;
  }
  std::optional<ByteSpan> bytes(std::size_t n) {
    if (remaining() < n) return std::nullopt;
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  bool skip(std::size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }
  ByteSpan rest() const { return data_.subspan(pos_); }

 private:
  ByteSpan data_;
  std::size_t pos_ = 0;
};

}  // namespace umbra
