// libav's error codes as sentences, for the messages archives report (disk full, bad file, …).
#pragma once

#include <string>

namespace umbra::archive {

// av_strerror's text for a negative AVERROR code, or "libav error N" when it has none.
std::string av_error_text(int code);

}  // namespace umbra::archive
