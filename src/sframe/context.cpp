// The SFrame context (RFC 9605 section 4.4): a key store by KID with, per key, the keyed AEAD,
// the salt, the send counter and the receive replay window. protect/unprotect follow
// sections 4.4.3 and 4.4.4 and allocate nothing once a key is added (the AAD scratch buffer
// only grows when a caller's metadata is longer than any before).
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "sframe/aead.h"
#include "sframe/key_schedule.h"
#include "sframe/replay_window.h"
#include "sframe/sframe.h"

namespace umbra::sframe {
namespace {

struct KeyState {
  explicit KeyState(Aead keyed) : aead(std::move(keyed)) {}

  Aead aead;
  std::array<std::uint8_t, kNonceSize> salt{};
  std::uint64_t next_ctr = 0;
  bool exhausted = false;  // the counter 2^64 - 1 has been used: nothing left to send with
  ReplayWindow window;
};

// Room for header and metadata of typical frames (the e2ee clear prefix is at most 10 bytes).
constexpr std::size_t kInitialAadCapacity = 256;

}  // namespace

struct Context::Impl {
  const SuiteParams* params = nullptr;
  std::unordered_map<std::uint64_t, KeyState> keys;
  Bytes aad;

  // AAD = header || metadata (RFC 9605 section 4.4.3), in the scratch buffer.
  ByteSpan build_aad(ByteSpan header, ByteSpan metadata) {
    const std::size_t size = header.size() + metadata.size();
    if (aad.size() < size) aad.resize(size);
    std::memcpy(aad.data(), header.data(), header.size());
    if (!metadata.empty()) std::memcpy(aad.data() + header.size(), metadata.data(), metadata.size());
    return ByteSpan(aad.data(), size);
  }

  Result<std::size_t, Error> seal(KeyState& key, std::uint64_t kid, std::uint64_t ctr, ByteSpan metadata,
                                  ByteSpan plaintext, MutableByteSpan out) {
    const Header header{kid, ctr};
    const std::size_t header_size = encoded_size(header);
    const std::size_t total = header_size + plaintext.size() + params->tag_size;
    if (out.size() < total) return err(Error::kBufferTooSmall);
    const auto written = encode(header, out);
    if (!written) return err(written.error());
    const auto nonce = form_nonce(key.salt, ctr);
    const auto aad_span = build_aad(out.first(header_size), metadata);
    if (!key.aead.seal(nonce, aad_span, plaintext, out.subspan(header_size, total - header_size))) {
      return err(Error::kBufferTooSmall);
    }
    return total;
  }
};

Context::Context(CipherSuite suite) : impl_(std::make_unique<Impl>()) {
  impl_->params = &suite_params(suite);
  impl_->aad.resize(kInitialAadCapacity);
}

Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

CipherSuite Context::suite() const {
  return impl_->params->suite;
}

void Context::add_key(std::uint64_t kid, ByteSpan base_key) {
  const auto material = derive_key_material(*impl_->params, kid, base_key);
  KeyState state(Aead(*impl_->params, material.key));
  std::copy(material.salt.begin(), material.salt.end(), state.salt.begin());
  impl_->keys.insert_or_assign(kid, std::move(state));
}

void Context::remove_key(std::uint64_t kid) {
  impl_->keys.erase(kid);
}

bool Context::has_key(std::uint64_t kid) const {
  return impl_->keys.contains(kid);
}

Result<std::size_t, Error> Context::protect(std::uint64_t kid, ByteSpan metadata, ByteSpan plaintext,
                                            MutableByteSpan out) {
  const auto it = impl_->keys.find(kid);
  if (it == impl_->keys.end()) return err(Error::kUnknownKey);
  KeyState& key = it->second;
  // RFC 9605 section 9.1: a (key, nonce) pair must never repeat, so the counter never wraps.
  if (key.exhausted) return err(Error::kCounterExhausted);
  const std::uint64_t ctr = key.next_ctr;
  auto sealed = impl_->seal(key, kid, ctr, metadata, plaintext, out);
  if (!sealed) return sealed;
  if (ctr == std::numeric_limits<std::uint64_t>::max()) {
    key.exhausted = true;
  } else {
    key.next_ctr = ctr + 1;
  }
  return sealed;
}

Result<std::size_t, Error> Context::protect_with_counter(std::uint64_t kid, std::uint64_t ctr,
                                                         ByteSpan metadata, ByteSpan plaintext,
                                                         MutableByteSpan out) {
  const auto it = impl_->keys.find(kid);
  if (it == impl_->keys.end()) return err(Error::kUnknownKey);
  KeyState& key = it->second;
  auto sealed = impl_->seal(key, kid, ctr, metadata, plaintext, out);
  if (!sealed) return sealed;
  // Keep protect() from ever reusing a counter that was sent explicitly.
  if (ctr == std::numeric_limits<std::uint64_t>::max()) {
    key.exhausted = true;
  } else if (ctr >= key.next_ctr) {
    key.next_ctr = ctr + 1;
  }
  return sealed;
}

Result<Opened, Error> Context::unprotect(ByteSpan metadata, ByteSpan frame, MutableByteSpan out) {
  const auto parsed = decode(frame);
  if (!parsed) return err(parsed.error());
  const Header& header = parsed->header;
  const auto it = impl_->keys.find(header.kid);
  if (it == impl_->keys.end()) return err(Error::kUnknownKey);
  KeyState& key = it->second;

  const std::size_t tag_size = impl_->params->tag_size;
  const auto body = frame.subspan(parsed->size);
  if (body.size() < tag_size) return err(Error::kMalformedHeader);  // no room for a tag
  const std::size_t plaintext_size = body.size() - tag_size;
  if (out.size() < plaintext_size) return err(Error::kBufferTooSmall);
  // Checked before the (costlier) tag, but recorded only after it verifies (section 9.3).
  if (!key.window.accepts(header.ctr)) return err(Error::kReplay);

  const auto nonce = form_nonce(key.salt, header.ctr);
  const auto aad_span = impl_->build_aad(frame.first(parsed->size), metadata);
  if (!key.aead.open(nonce, aad_span, body, out.first(plaintext_size))) {
    return err(Error::kAuthenticationFailed);
  }
  key.window.mark(header.ctr);
  return Opened{plaintext_size, header.kid, header.ctr};
}

}  // namespace umbra::sframe
