// One stream to one WebM file (VP8 video or Opus audio) through libavformat's "webm" muxer.
//
// The file is created by create(), so an unwritable directory is an error before any media
// arrives; the header is written with the first frame, because a VP8 track header needs the
// picture size that only a key frame carries (the first video frame must be one). Every failure
// (open, header, a frame, the trailer — a full disk shows up at any of them) is returned as a
// message and leaves the writer failed; it never throws or aborts.
//
// Crash behaviour: packets are flushed to the file as they are muxed and a cluster is closed at
// least every second, so a process killed mid-recording leaves a file that plays up to about the
// last second written. Only finish() writes the cues (seek index) and the duration; without them
// players still play the file from the start (docs/archiving.md, "What a crash leaves").
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "archive/encoded_frame.h"
#include "common/bytes.h"
#include "common/result.h"

struct AVFormatContext;
struct AVPacket;

namespace umbra::archive {

class WebmWriter {
 public:
  static Result<std::unique_ptr<WebmWriter>, std::string> create(const std::string& path, MediaKind kind);
  // Without finish(), the file is closed as it is (no trailer): what a crash would leave.
  ~WebmWriter();
  WebmWriter(const WebmWriter&) = delete;
  WebmWriter& operator=(const WebmWriter&) = delete;

  // One frame at `pts_ms` milliseconds from the start of the file; timestamps must increase.
  // duration_ms is 0 when unknown (a video frame lasts until the next one).
  Result<void, std::string> write(ByteSpan frame, std::int64_t pts_ms, bool key_frame,
                                  std::int64_t duration_ms = 0);

  // Writes the trailer (cues, duration) and closes the file. A writer that never got a frame
  // closes an empty file and says so (the caller removes it: there is no media to keep).
  Result<void, std::string> finish();

  bool has_media() const { return header_written_; }
  const std::string& path() const { return path_; }

 private:
  WebmWriter(std::string path, MediaKind kind) : path_(std::move(path)), kind_(kind) {}
  Result<void, std::string> write_header(ByteSpan first_frame);
  Result<void, std::string> fail(std::string message);
  void close_file();

  std::string path_;
  MediaKind kind_;
  AVFormatContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
  bool header_written_ = false;
  bool finished_ = false;
  std::string error_;  // set once failed: every later call returns it
  std::int64_t last_pts_ms_ = -1;
};

}  // namespace umbra::archive
