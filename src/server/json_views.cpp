#include "server/json_views.h"

#include <nlohmann/json.hpp>

#include "server/capabilities.h"

namespace umbra::server {

nlohmann::json session_json(const SessionRecord& session) {
  nlohmann::json caps = nlohmann::json::object();
  for (const auto& c : capabilities_for(session)) {
    nlohmann::json entry = {{"available", c.available}};
    if (!c.available) {
      entry["code"] = c.code;
      entry["reason"] = c.reason;
    }
    caps[c.name] = std::move(entry);
  }
  return {{"sessionId", session.id},
          {"mediaMode", media_mode_name(session.media_mode)},
          {"e2ee", session.e2ee},
          {"archiveMode", archive_mode_name(session.archive_mode)},
          {"createdAt", session.created_at_ms},
          {"capabilities", std::move(caps)}};
}

nlohmann::json connection_json(const LiveConnection& connection) {
  return {{"connectionId", connection.id},
          {"data", connection.data},
          {"role", role_name(connection.role)},
          {"createdAt", connection.created_at_ms}};
}

nlohmann::json stream_json(const LiveStream& stream) {
  nlohmann::json dims = nullptr;
  if (stream.video_dimensions) {
    dims = {{"width", stream.video_dimensions->width}, {"height", stream.video_dimensions->height}};
  }
  return {{"streamId", stream.id},
          {"connectionId", stream.connection_id},
          {"name", stream.name},
          {"hasAudio", stream.has_audio},
          {"hasVideo", stream.has_video},
          {"videoType", stream.video_type},
          {"videoDimensions", std::move(dims)},
          {"createdAt", stream.created_at_ms}};
}

}  // namespace umbra::server
