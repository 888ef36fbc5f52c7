#include "archive/webm_probe.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "archive/webm_input.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace umbra::archive {
namespace {

constexpr AVRational kMillisecond{1, 1000};

}  // namespace

Result<WebmProbe, std::string> probe_webm(const std::string& path) {
  WebmInput demuxer;
  if (auto opened = demuxer.open(path); !opened) return err(opened.error());

  // Per stream, in milliseconds: the first pts and the furthest end (pts + duration). The recorder
  // writes one stream per file; the longest stream is the file's length if there are more.
  const auto streams = static_cast<std::size_t>(demuxer.context->nb_streams);
  std::vector<std::int64_t> first(streams, std::numeric_limits<std::int64_t>::max());
  std::vector<std::int64_t> end(streams, std::numeric_limits<std::int64_t>::min());
  WebmProbe probe;
  // Any read error ends the pass: past the last whole block, a crashed file is cut or garbage, and
  // what came before it is what plays.
  while (av_read_frame(demuxer.context, demuxer.packet) >= 0) {
    const auto index = static_cast<std::size_t>(demuxer.packet->stream_index);
    if (index < streams && demuxer.packet->pts != AV_NOPTS_VALUE) {
      const AVRational base = demuxer.context->streams[index]->time_base;
      const std::int64_t pts = av_rescale_q(demuxer.packet->pts, base, kMillisecond);
      const std::int64_t duration =
          demuxer.packet->duration > 0 ? av_rescale_q(demuxer.packet->duration, base, kMillisecond) : 0;
      first[index] = std::min(first[index], pts);
      end[index] = std::max(end[index], pts + duration);
      ++probe.packets;
    }
    av_packet_unref(demuxer.packet);
  }
  for (std::size_t i = 0; i < streams; ++i) {
    if (end[i] >= first[i]) probe.duration_ms = std::max(probe.duration_ms, end[i] - first[i]);
  }
  return probe;
}

}  // namespace umbra::archive
