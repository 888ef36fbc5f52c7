// SFrame (RFC 9605): end-to-end encryption of media frames.
//
// The public surface of the module, one screen long (after cisco/sframe): a Context holds keys by
// KID, `protect` seals a frame into a caller buffer, `unprotect` opens one. Expected failures are
// values (Result), never exceptions; nothing here allocates per frame.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::sframe {

// RFC 9605 section 8.1 registry, plus the AES-256-CTR suites registered later (0x0006-0x0008).
enum class CipherSuite : std::uint16_t {
  kAes128CtrHmacSha256_80 = 0x0001,
  kAes128CtrHmacSha256_64 = 0x0002,
  kAes128CtrHmacSha256_32 = 0x0003,
  kAes128GcmSha256_128 = 0x0004,
  kAes256GcmSha512_128 = 0x0005,
  kAes256CtrHmacSha512_80 = 0x0006,
  kAes256CtrHmacSha512_64 = 0x0007,
  kAes256CtrHmacSha512_32 = 0x0008,
};

enum class Error {
  kUnsupportedSuite,
  kBufferTooSmall,
  kMalformedHeader,
  kUnknownKey,
  kAuthenticationFailed,  // the tag did not verify
  kReplay,                // counter already seen (or older than the replay window)
  kCounterExhausted,      // the sender's counter would wrap: re-key instead
};

std::string_view to_string(Error e);

// Largest possible header: config byte + 8-byte KID + 8-byte CTR.
inline constexpr std::size_t kMaxHeaderSize = 17;
// Largest tag of any supported suite.
inline constexpr std::size_t kMaxTagSize = 16;
// Size a protect() output buffer with plaintext.size() + kMaxOverhead.
inline constexpr std::size_t kMaxOverhead = kMaxHeaderSize + kMaxTagSize;

std::size_t tag_size(CipherSuite suite);
bool is_supported(std::uint16_t suite);

// Wire form of the SFrame header (RFC 9605 section 4.3).
struct Header {
  std::uint64_t kid = 0;
  std::uint64_t ctr = 0;
};
std::size_t encoded_size(const Header& header);
// Always writes the shortest form; decode() refuses any other form (kMalformedHeader), so every
// header has exactly one encoding.
Result<std::size_t, Error> encode(const Header& header, MutableByteSpan out);
struct ParsedHeader {
  Header header;
  std::size_t size = 0;  // bytes the header occupied
};
Result<ParsedHeader, Error> decode(ByteSpan frame);

// What unprotect() tells the caller besides the plaintext length.
struct Opened {
  std::size_t size = 0;
  std::uint64_t kid = 0;
  std::uint64_t ctr = 0;
};

// Not thread-safe: protect and unprotect update per-KID state. Use one Context per pipeline.
class Context {
 public:
  explicit Context(CipherSuite suite);
  ~Context();
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;

  CipherSuite suite() const;

  // Derives the SFrame key and salt from base_key (RFC 9605 section 4.4.2) and holds them under
  // kid for both sending and receiving. Replaces any key held under kid (and resets its counters).
  void add_key(std::uint64_t kid, ByteSpan base_key);
  void remove_key(std::uint64_t kid);
  bool has_key(std::uint64_t kid) const;

  // Seals plaintext as header || ciphertext || tag into out, with AAD = header || metadata.
  // Uses the next counter of kid (starting at 0); kCounterExhausted rather than ever wrapping.
  // out must not overlap plaintext. Errors: kUnknownKey, kBufferTooSmall, kCounterExhausted (a
  // failed call uses up no counter).
  Result<std::size_t, Error> protect(std::uint64_t kid, ByteSpan metadata, ByteSpan plaintext,
                                     MutableByteSpan out);
  // The same with an explicit counter, for vectors and interop tools. Callers own uniqueness;
  // later protect() calls continue above the highest counter sent this way.
  Result<std::size_t, Error> protect_with_counter(std::uint64_t kid, std::uint64_t ctr, ByteSpan metadata,
                                                  ByteSpan plaintext, MutableByteSpan out);

  // Opens header || ciphertext || tag into out (out.size() >= frame.size() is always enough; out
  // must not overlap frame). The per-KID replay window (128 counters) changes only after the tag
  // verifies. Errors: kMalformedHeader (also for a frame too short to hold a tag), kUnknownKey,
  // kBufferTooSmall, kReplay, kAuthenticationFailed; out holds no plaintext after any of them.
  Result<Opened, Error> unprotect(ByteSpan metadata, ByteSpan frame, MutableByteSpan out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::sframe
