// A WebM file opened for reading packet by packet, closed on every return path: what the probe and
// the repair of crash-cut files (webm_probe, webm_repair) both start from. The demuxer is forced to
// Matroska, so a garbage file is refused instead of being guessed as some other container.
#pragma once

#include <string>

#include "common/result.h"

struct AVFormatContext;
struct AVPacket;

namespace umbra::archive {

struct WebmInput {
  AVFormatContext* context = nullptr;
  AVPacket* packet = nullptr;  // one reusable packet for av_read_frame

  WebmInput() = default;
  WebmInput(const WebmInput&) = delete;
  WebmInput& operator=(const WebmInput&) = delete;
  ~WebmInput();

  // The error names the file and libav's reason ("cannot read PATH: ...").
  Result<void, std::string> open(const std::string& path);
};

}  // namespace umbra::archive
