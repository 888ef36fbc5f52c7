#include "archive/webm_input.h"

#include "archive/av_error.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace umbra::archive {

WebmInput::~WebmInput() {
  av_packet_free(&packet);
  avformat_close_input(&context);
}

Result<void, std::string> WebmInput::open(const std::string& path) {
  const AVInputFormat* matroska = av_find_input_format("matroska");
  const int rc = avformat_open_input(&context, path.c_str(), matroska, nullptr);
  if (rc < 0) return err("cannot read " + path + ": " + av_error_text(rc));
  packet = av_packet_alloc();
  if (packet == nullptr) return err(std::string("out of memory"));
  return {};
}

}  // namespace umbra::archive
