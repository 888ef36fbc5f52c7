#include "archive/webm_writer.h"

#include "archive/av_error.h"
#include "archive/opus_depacketizer.h"
#include "archive/vp8_depacketizer.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/mem.h>
}

namespace umbra::archive {
namespace {

// Matroska stores timestamps in milliseconds (TimestampScale 1 000 000 ns).
constexpr AVRational kMillisecond{1, 1000};

// A cluster is written to the file only when it closes; closing one every second bounds what a
// crash loses. The muxer's default is 5 s.
constexpr const char* kClusterTimeLimitMs = "1000";

// RFC 7845 section 5.1 identification header, which Matroska carries as the Opus CodecPrivate.
// Pre-skip 0: an RTP stream has no encoder delay to hide at its start.
Bytes opus_head(int channels) {
  Bytes head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, static_cast<std::uint8_t>(channels), 0, 0};
  const std::uint32_t rate = 48000;
  for (int shift = 0; shift < 32; shift += 8) head.push_back(static_cast<std::uint8_t>(rate >> shift));
  head.insert(head.end(), {0, 0, 0});  // output gain 0, channel mapping family 0
  return head;
}

}  // namespace

Result<std::unique_ptr<WebmWriter>, std::string> WebmWriter::create(const std::string& path, MediaKind kind) {
  std::unique_ptr<WebmWriter> writer(new WebmWriter(path, kind));
  int rc = avformat_alloc_output_context2(&writer->context_, nullptr, "webm", path.c_str());
  if (rc < 0 || writer->context_ == nullptr) {
    return err("cannot set up the webm muxer for " + path + ": " + av_error_text(rc));
  }
  rc = avio_open(&writer->context_->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return err("cannot create " + path + ": " + av_error_text(rc));
  writer->context_->flags |= AVFMT_FLAG_FLUSH_PACKETS;
  writer->packet_ = av_packet_alloc();
  if (writer->packet_ == nullptr) return err(std::string("out of memory"));
  return writer;
}

WebmWriter::~WebmWriter() {
  close_file();
  av_packet_free(&packet_);
  avformat_free_context(context_);
}

void WebmWriter::close_file() {
  if (context_ != nullptr && context_->pb != nullptr) avio_closep(&context_->pb);
}

Result<void, std::string> WebmWriter::fail(std::string message) {
  error_ = std::move(message);
  close_file();
  return err(error_);
}

Result<void, std::string> WebmWriter::write_header(ByteSpan first_frame) {
  AVStream* stream = avformat_new_stream(context_, nullptr);
  if (stream == nullptr) return fail("out of memory");
  AVCodecParameters* par = stream->codecpar;
  stream->time_base = kMillisecond;
  if (kind_ == MediaKind::kVideo) {
    const auto size = vp8_key_frame_size(first_frame);
    if (!size) return fail(path_ + ": a video recording must start with a VP8 key frame");
    par->codec_type = AVMEDIA_TYPE_VIDEO;
    par->codec_id = AV_CODEC_ID_VP8;
    par->width = size->width;
    par->height = size->height;
  } else {
    const int channels = opus_channels(first_frame);
    const Bytes head = opus_head(channels);
    par->codec_type = AVMEDIA_TYPE_AUDIO;
    par->codec_id = AV_CODEC_ID_OPUS;
    par->sample_rate = 48000;
    av_channel_layout_default(&par->ch_layout, channels);
    par->extradata = static_cast<std::uint8_t*>(av_mallocz(head.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (par->extradata == nullptr) return fail("out of memory");
    std::copy(head.begin(), head.end(), par->extradata);
    par->extradata_size = static_cast<int>(head.size());
  }
  AVDictionary* options = nullptr;
  av_dict_set(&options, "cluster_time_limit", kClusterTimeLimitMs, 0);
  const int rc = avformat_write_header(context_, &options);
  av_dict_free(&options);
  if (rc < 0) return fail("cannot write the header of " + path_ + ": " + av_error_text(rc));
  if (context_->pb->error < 0)
    return fail("cannot write " + path_ + ": " + av_error_text(context_->pb->error));
  header_written_ = true;
  return {};
}

Result<void, std::string> WebmWriter::write(ByteSpan frame, std::int64_t pts_ms, bool key_frame,
                                            std::int64_t duration_ms) {
  if (!error_.empty()) return err(error_);
  if (finished_) return err(path_ + ": already finished");
  if (frame.empty()) return {};
  if (!header_written_) {
    if (auto ok = write_header(frame); !ok) return ok;
  }
  if (pts_ms <= last_pts_ms_) return err(path_ + ": timestamps must increase");
  last_pts_ms_ = pts_ms;

  AVStream* stream = context_->streams[0];
  av_packet_unref(packet_);
  // av_write_frame only reads the data during the call, so the packet borrows the caller's bytes.
  packet_->data = const_cast<std::uint8_t*>(frame.data());
  packet_->size = static_cast<int>(frame.size());
  packet_->stream_index = 0;
  packet_->pts = av_rescale_q(pts_ms, kMillisecond, stream->time_base);
  packet_->dts = packet_->pts;
  packet_->duration = av_rescale_q(duration_ms, kMillisecond, stream->time_base);
  if (key_frame) packet_->flags |= AV_PKT_FLAG_KEY;
  const int rc = av_write_frame(context_, packet_);
  packet_->data = nullptr;
  packet_->size = 0;
  if (rc < 0) return fail("cannot write to " + path_ + ": " + av_error_text(rc));
  return {};
}

Result<void, std::string> WebmWriter::finish() {
  if (!error_.empty()) return err(error_);
  if (finished_) return {};
  finished_ = true;
  if (!header_written_) {
    close_file();
    return err(path_ + ": no media was recorded");
  }
  const int rc = av_write_trailer(context_);
  if (rc < 0) return fail("cannot finish " + path_ + ": " + av_error_text(rc));
  const int close_rc = avio_closep(&context_->pb);
  if (close_rc < 0) return fail("cannot close " + path_ + ": " + av_error_text(close_rc));
  return {};
}

}  // namespace umbra::archive
