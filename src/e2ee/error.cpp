#include "e2ee/error.h"

namespace umbra::e2ee {

std::string_view to_string(Error e) {
  switch (e) {
    case Error::kInvalidSecret: return "invalid encryption secret";
    case Error::kMalformedFrame: return "malformed frame: shorter than its clear prefix";
    case Error::kUnsupportedCodec: return "codec not allowed in an end-to-end encrypted session";
    case Error::kNoSecret: return "no encryption secret set";
    case Error::kUnknownTrack: return "unknown local track";
    case Error::kBufferTooSmall: return "output buffer too small";
    case Error::kCounterExhausted: return "frame counter exhausted";
    case Error::kNoHeader: return "no SFrame header";
    case Error::kUnknownKeyCheck: return "key check matches no held secret";
    case Error::kUndecryptable: return "undecryptable frame";
    case Error::kReplay: return "replayed frame";
  }
  return "unknown error";
}

}  // namespace umbra::e2ee
