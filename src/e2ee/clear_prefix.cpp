#include "e2ee/clear_prefix.h"

namespace umbra::e2ee {

std::optional<Codec> parse_codec(std::string_view name) {
  if (name == "vp8") return Codec::kVp8;
  if (name == "opus") return Codec::kOpus;
  return std::nullopt;
}

std::string_view to_string(Codec codec) {
  switch (codec) {
    case Codec::kVp8: return "vp8";
    case Codec::kOpus: return "opus";
  }
  return "unknown";
}

Result<std::size_t, Error> clear_prefix_size(Codec codec, ByteSpan frame) {
  switch (codec) {
    case Codec::kOpus: return std::size_t{0};  // an empty Opus frame is sealed with an empty plaintext
    case Codec::kVp8: {
      if (frame.empty()) return err(Error::kMalformedFrame);
      const bool key_frame = (frame[0] & 0x01) == 0;
      const std::size_t prefix = key_frame ? kVp8KeyFramePrefix : kVp8DeltaFramePrefix;
      if (frame.size() < prefix) return err(Error::kMalformedFrame);
      return prefix;
    }
  }
  return err(Error::kUnsupportedCodec);
}

}  // namespace umbra::e2ee
