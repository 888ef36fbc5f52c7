#include "e2ee/frame.h"

#include <algorithm>

namespace umbra::e2ee {

namespace {

Error from_sframe(sframe::Error e) {
  switch (e) {
    case sframe::Error::kBufferTooSmall: return Error::kBufferTooSmall;
    case sframe::Error::kMalformedHeader: return Error::kNoHeader;
    case sframe::Error::kUnknownKey: return Error::kUnknownKeyCheck;
    case sframe::Error::kReplay: return Error::kReplay;
    case sframe::Error::kCounterExhausted: return Error::kCounterExhausted;
    case sframe::Error::kUnsupportedSuite:
    case sframe::Error::kAuthenticationFailed: return Error::kUndecryptable;
  }
  return Error::kUndecryptable;
}

template <class Protect>
Result<std::size_t, Error> seal_with(Codec codec, ByteSpan frame, MutableByteSpan out, Protect&& protect) {
  const auto prefix = clear_prefix_size(codec, frame);
  if (!prefix) return err(prefix.error());
  if (out.size() < *prefix) return err(Error::kBufferTooSmall);
  const ByteSpan clear = frame.first(*prefix);
  const auto sealed = protect(clear, frame.subspan(*prefix), out.subspan(*prefix));
  if (!sealed) return err(from_sframe(sealed.error()));
  std::copy(clear.begin(), clear.end(), out.begin());
  return *prefix + *sealed;
}

}  // namespace

Result<std::size_t, Error> seal_frame(sframe::Context& ctx, std::uint64_t kid, Codec codec, ByteSpan frame,
                                      MutableByteSpan out) {
  return seal_with(codec, frame, out, [&](ByteSpan metadata, ByteSpan plaintext, MutableByteSpan body) {
    return ctx.protect(kid, metadata, plaintext, body);
  });
}

Result<std::size_t, Error> seal_frame_with_counter(sframe::Context& ctx, std::uint64_t kid, std::uint64_t ctr,
                                                   Codec codec, ByteSpan frame, MutableByteSpan out) {
  return seal_with(codec, frame, out, [&](ByteSpan metadata, ByteSpan plaintext, MutableByteSpan body) {
    return ctx.protect_with_counter(kid, ctr, metadata, plaintext, body);
  });
}

Result<WireLayout, Error> parse_wire(Codec codec, ByteSpan wire) {
  // The prefix rule reads the same first byte the sender saw; a wire frame too short for its
  // prefix cannot carry a header after it.
  const auto prefix = clear_prefix_size(codec, wire);
  if (!prefix) return err(Error::kNoHeader);
  const auto parsed = sframe::decode(wire.subspan(*prefix));
  if (!parsed) return err(Error::kNoHeader);
  return WireLayout{*prefix, parsed->header};
}

Result<std::size_t, Error> open_frame(sframe::Context& ctx, Codec codec, ByteSpan wire, MutableByteSpan out) {
  const auto layout = parse_wire(codec, wire);
  if (!layout) return err(layout.error());
  const std::size_t prefix = layout->prefix_size;
  if (out.size() < prefix) return err(Error::kBufferTooSmall);
  const ByteSpan clear = wire.first(prefix);
  const auto opened = ctx.unprotect(clear, wire.subspan(prefix), out.subspan(prefix));
  if (!opened) return err(from_sframe(opened.error()));
  std::copy(clear.begin(), clear.end(), out.begin());
  return prefix + opened->size;
}

}  // namespace umbra::e2ee
