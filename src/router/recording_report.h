// An archive's bookkeeping (archive::ArchiveSession) as the plain data the control plane receives
// (server::RecordingReport): names as in the REST API, durations and offsets in milliseconds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "archive/archive_session.h"
#include "server/media_router.h"

namespace umbra::router {

server::RecordingReport recording_report(const archive::ArchiveSession& session, const std::string& room_id);

// The inverse of archive::stop_reason_name, for the reason stop_recording receives as a string.
std::optional<archive::StopReason> parse_stop_reason(std::string_view name);

}  // namespace umbra::router
