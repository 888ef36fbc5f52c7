#include "archive/webm_repair.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <system_error>
#include <vector>

#include "archive/av_error.h"
#include "archive/webm_input.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace umbra::archive {
namespace {

constexpr AVRational kMillisecond{1, 1000};

// Owns the demuxer, the muxer and the temporary file; every early return closes both and removes
// the temporary file unless it was renamed into place.
struct Repair {
  WebmInput in;
  AVFormatContext* output = nullptr;
  std::string temp_path;
  bool keep_temp = false;
  ~Repair() {
    if (output != nullptr) {
      if (output->pb != nullptr) avio_closep(&output->pb);
      avformat_free_context(output);
    }
    if (!temp_path.empty() && !keep_temp) std::remove(temp_path.c_str());
  }
};

// fsync(2) on a file or a directory; the rename is only durable once both are synced.
bool sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

struct StreamState {
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t end = std::numeric_limits<std::int64_t>::min();
  std::int64_t last_pts = std::numeric_limits<std::int64_t>::min();  // in the stream's time base
  int output_index = -1;
};

}  // namespace

Result<WebmRepair, std::string> repair_webm(const std::string& path) {
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return err("cannot read " + path + ": " + ec.message());

  Repair repair;
  if (auto opened = repair.in.open(path); !opened) return err(opened.error());

  repair.temp_path = path + ".repair.tmp";
  int rc = avformat_alloc_output_context2(&repair.output, nullptr, "webm", repair.temp_path.c_str());
  if (rc < 0 || repair.output == nullptr) {
    return err("cannot set up the webm muxer for " + repair.temp_path + ": " + av_error_text(rc));
  }
  const auto streams = static_cast<std::size_t>(repair.in.context->nb_streams);
  std::vector<StreamState> state(streams);
  for (std::size_t i = 0; i < streams; ++i) {
    const AVStream* in = repair.in.context->streams[i];
    // WebM holds VP8/VP9/AV1 and Opus/Vorbis; anything else (a track the header could not describe)
    // has nothing a WebM player could use.
    const auto kind = in->codecpar->codec_type;
    if (kind != AVMEDIA_TYPE_VIDEO && kind != AVMEDIA_TYPE_AUDIO) continue;
    AVStream* out = avformat_new_stream(repair.output, nullptr);
    if (out == nullptr) return err(std::string("out of memory"));
    rc = avcodec_parameters_copy(out->codecpar, in->codecpar);
    if (rc < 0) return err("cannot copy the track of " + path + ": " + av_error_text(rc));
    out->codecpar->codec_tag = 0;
    out->time_base = kMillisecond;
    state[i].output_index = out->index;
  }
  if (repair.output->nb_streams == 0) return err(path + " holds nothing playable (no audio or video track)");

  WebmRepair result;
  // Read first, write the header with the first packet kept: a file with nothing to keep never
  // creates the temporary file.
  bool header_written = false;
  std::int64_t last_pos = -1;
  std::int64_t last_end = -1;  // where the furthest block read ends
  for (;;) {
    rc = av_read_frame(repair.in.context, repair.in.packet);
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      result.cut = true;
      result.why = "the read stopped at an unreadable block (" + av_error_text(rc) + ")";
      break;
    }
    AVPacket& packet = *repair.in.packet;
    // A block must lie whole inside the file, and blocks come in file order: a packet past the end
    // of the file was cut by the crash, one behind the previous packet comes from the demuxer's
    // resynchronisation over bytes it already read. Either way nothing after it can be trusted.
    if (packet.pos >= 0 && packet.size >= 0 &&
        static_cast<std::uint64_t>(packet.pos) + static_cast<std::uint64_t>(packet.size) > file_size) {
      result.cut = true;
      result.why = "the last block is cut short";
      av_packet_unref(&packet);
      break;
    }
    if (packet.pos >= 0 && packet.pos < last_pos) {  // equal: frames laced in one block
      result.cut = true;
      result.why = "the demuxer went back over read bytes after a damaged block";
      av_packet_unref(&packet);
      break;
    }
    if ((packet.flags & AV_PKT_FLAG_CORRUPT) != 0) {
      result.cut = true;
      result.why = "a block is marked corrupt";
      av_packet_unref(&packet);
      break;
    }
    if (packet.pos >= 0) {
      last_pos = packet.pos;
      last_end = std::max(last_end, packet.pos + packet.size);
    }
    const auto index = static_cast<std::size_t>(packet.stream_index);
    if (index >= streams || state[index].output_index < 0) {
      av_packet_unref(&packet);
      continue;  // a track the output does not carry
    }
    StreamState& stream = state[index];
    if (packet.pts == AV_NOPTS_VALUE || packet.pts <= stream.last_pts) {
      ++result.dropped;
      av_packet_unref(&packet);
      continue;
    }
    stream.last_pts = packet.pts;

    const AVRational in_base = repair.in.context->streams[index]->time_base;
    const std::int64_t pts_ms = av_rescale_q(packet.pts, in_base, kMillisecond);
    const std::int64_t duration_ms =
        packet.duration > 0 ? av_rescale_q(packet.duration, in_base, kMillisecond) : 0;
    if (!header_written) {
      rc = avio_open(&repair.output->pb, repair.temp_path.c_str(), AVIO_FLAG_WRITE);
      if (rc < 0) return err("cannot create " + repair.temp_path + ": " + av_error_text(rc));
      rc = avformat_write_header(repair.output, nullptr);
      if (rc < 0) return err("cannot write the header of " + repair.temp_path + ": " + av_error_text(rc));
      header_written = true;
      result.first_pts_ms = pts_ms;
      result.last_pts_ms = pts_ms;
    }
    AVStream* out = repair.output->streams[stream.output_index];
    packet.stream_index = stream.output_index;
    av_packet_rescale_ts(&packet, in_base, out->time_base);
    packet.dts = packet.pts;  // VP8 and Opus have no reordering: decode order is presentation order
    packet.pos = -1;
    rc = av_write_frame(repair.output, &packet);
    av_packet_unref(&packet);
    if (rc < 0) return err("cannot write to " + repair.temp_path + ": " + av_error_text(rc));

    ++result.packets;
    result.first_pts_ms = std::min(result.first_pts_ms, pts_ms);
    result.last_pts_ms = std::max(result.last_pts_ms, pts_ms);
    stream.first = std::min(stream.first, pts_ms);
    stream.end = std::max(stream.end, pts_ms + duration_ms);
  }
  // The Matroska demuxer ends a file cut inside a block as if it ended there ("File ended
  // prematurely" goes to libav's log only): bytes after the last whole block of a file without its
  // trailer (no container duration) are what the cut took.
  if (!result.cut && repair.in.context->duration == AV_NOPTS_VALUE && last_end >= 0 &&
      static_cast<std::uint64_t>(last_end) < file_size) {
    result.cut = true;
    result.why = "the last block is cut short (" +
                 std::to_string(file_size - static_cast<std::uint64_t>(last_end)) +
                 " bytes after the last whole block)";
  }
  if (!header_written) {
    return err(path + " holds nothing playable (no frame could be read" +
               (result.why.empty() ? std::string(")") : "; " + result.why + ")"));
  }
  for (const auto& s : state) {
    if (s.end >= s.first) result.duration_ms = std::max(result.duration_ms, s.end - s.first);
  }
  if (result.dropped > 0) {
    result.why += (result.why.empty() ? "" : "; ") + std::to_string(result.dropped) +
                  " packets whose timestamp did not increase were dropped";
  }

  rc = av_write_trailer(repair.output);
  if (rc < 0) return err("cannot finish " + repair.temp_path + ": " + av_error_text(rc));
  rc = avio_closep(&repair.output->pb);
  if (rc < 0) return err("cannot close " + repair.temp_path + ": " + av_error_text(rc));
  if (!sync_path(repair.temp_path, O_RDONLY)) return err("cannot sync " + repair.temp_path);
  std::filesystem::rename(repair.temp_path, path, ec);
  if (ec) return err("cannot replace " + path + ": " + ec.message());
  repair.keep_temp = true;
  // The rename itself lives in the directory; without this a power cut could bring the cut file back.
  const auto dir = std::filesystem::path(path).parent_path();
  (void)sync_path(dir.empty() ? std::string(".") : dir.string(), O_RDONLY | O_DIRECTORY);
  return result;
}

}  // namespace umbra::archive
