// The JSON shapes shared by the REST API and signaling (docs/rest-api.md, docs/protocol.md section 3).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "server/room.h"
#include "server/session_record.h"

namespace umbra::server {

nlohmann::json session_json(const SessionRecord& session);
nlohmann::json connection_json(const LiveConnection& connection);
nlohmann::json stream_json(const LiveStream& stream);

}  // namespace umbra::server
