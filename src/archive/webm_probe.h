// How much media a WebM file really holds, read packet by packet: what the server needs for a file
// whose recording was cut by a crash. Such a file has no trailer, so its header carries no duration
// (ffprobe's format.duration is N/A) and the only way to know its length is to read it to the end.
//
// Packets are demuxed, never decoded, and never held: the work is one pass over the file with
// constant memory, however long it is. A missing, empty, truncated or garbage file is an error
// message or a count of 0, never a throw or an abort; a file cut in the middle of a block counts the
// packets before the cut (docs/archiving.md, "What a crash leaves").
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace umbra::archive {

struct WebmProbe {
  std::int64_t duration_ms = 0;  // end of the last packet (pts + duration) minus the first pts
  std::int64_t packets = 0;
};

Result<WebmProbe, std::string> probe_webm(const std::string& path);

}  // namespace umbra::archive
