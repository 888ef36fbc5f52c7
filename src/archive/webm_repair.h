// Turns a WebM file a crash cut short into a whole one: same frames, with the trailer only a finished
// recording has (the container's duration and the cues, Matroska's seek index).
//
// The cut file is demuxed packet by packet (never decoded, constant memory) and every packet that can
// be trusted is stream-copied into a new WebM beside it, which then replaces the original atomically
// (written to a temporary name in the same directory, fsynced, renamed over it). Trusted means: read
// whole, before the first unreadable or truncated block, and with a timestamp later than the previous
// one of its stream. The Matroska demuxer, when a block is damaged, resynchronises by scanning the
// bytes after the last cluster start for anything that looks like an element ID; what it finds there
// can repeat or scramble timestamps ("non monotonically increasing dts" in ffmpeg), so the copy stops
// at the first sign of that instead (docs/archiving.md, "What a crash leaves").
//
// A missing, empty or garbage file, or one with no packet to keep, is an error and the original is
// left exactly as it was. Never throws, never aborts.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace umbra::archive {

struct WebmRepair {
  std::int64_t packets = 0;       // packets copied into the repaired file
  std::int64_t duration_ms = 0;   // as WebmProbe: end of the last packet minus the first pts
  std::int64_t first_pts_ms = 0;  // the earliest packet kept
  std::int64_t last_pts_ms = 0;   // the latest packet kept
  std::int64_t dropped = 0;       // packets read but not kept (timestamp not increasing, no timestamp)
  bool cut = false;               // the read stopped at a truncated or unreadable block, not at the end
  std::string why;                // empty for a clean read; else what ended it or what was dropped
};

// Rewrites `path` in place; on error the file at `path` is untouched.
Result<WebmRepair, std::string> repair_webm(const std::string& path);

}  // namespace umbra::archive
