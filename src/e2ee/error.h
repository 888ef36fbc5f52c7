// What can go wrong in umbra-e2ee-v1 (DESIGN.md section 4), as values: a media pipeline drops and
// counts a frame, it never unwinds.
#pragma once

#include <string_view>

namespace umbra::e2ee {

enum class Error {
  kInvalidSecret,     // section 4.1: not 8..256 code points, or not UTF-8
  kMalformedFrame,    // section 4.7: a VP8 frame shorter than its clear prefix; never sent in the clear
  kUnsupportedCodec,  // section 4.7: only VP8 and Opus in v1
  kNoSecret,          // sealing before any secret was set
  kUnknownTrack,      // sealing on a local track that was never added (or was removed)
  kBufferTooSmall,
  kCounterExhausted,  // the track must restart (fresh KID) rather than ever reuse a counter
  kNoHeader,          // section 4.9: nothing after the clear prefix parses as an SFrame header
  kUnknownKeyCheck,   // section 4.9: the KID's top 16 bits match no held key check (not even tried)
  kUndecryptable,     // section 4.9: the tag did not verify
  kReplay,            // section 4.9: the counter was already seen under this KID
};

std::string_view to_string(Error e);

}  // namespace umbra::e2ee
