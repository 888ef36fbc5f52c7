#include "archive/av_error.h"

#include <array>

extern "C" {
#include <libavutil/error.h>
}

namespace umbra::archive {

std::string av_error_text(int code) {
  std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
  if (av_strerror(code, text.data(), text.size()) < 0) return "libav error " + std::to_string(code);
  return text.data();
}

}  // namespace umbra::archive
