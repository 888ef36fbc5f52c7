#include "server/signaling_hub.h"

#include <algorithm>

#include "common/log.h"
#include "server/json_views.h"
#include "server/signaling_internal.h"

namespace umbra::server {

using nlohmann::json;
using namespace signaling;

// ---- signals and moderation
// ------------------------------------------------------------------------------------

void SignalingHub::handle_signal(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto type = f.string("signalType", kMaxSignalTypeSize, false);
  const auto data = f.string("data", kMaxSignalDataSize, false);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  std::vector<std::string> to;
  if (const auto it = r.body.find("to"); it != r.body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > kMaxSignalRecipients) {
      return fail(link, r.id, "bad_request", "to must be an array of at most 100 connection ids");
    }
    for (const auto& id : *it) {
      if (!id.is_string()) return fail(link, r.id, "bad_request", "to must hold connection id strings");
      to.push_back(id.get<std::string>());
    }
  }
  // Checked before anything is sent, so the sender sees its response before its own copy of the signal.
  const auto valid = deliver_signal(room.session.id, self.id, type.value_or(""), data.value_or(""), to, true);
  if (!valid) return fail(link, r.id, valid.error().code, valid.error().message);
  reply(link, r.id);
  (void)deliver_signal(room.session.id, self.id, type.value_or(""), data.value_or(""), to, false);
}

Result<void, HubError> SignalingHub::signal(const std::string& session_id, const std::string& type,
                                            const std::string& data, const std::vector<std::string>& to) {
  return deliver_signal(session_id, std::nullopt, type, data, to, false);
}

Result<void, HubError> SignalingHub::deliver_signal(const std::string& session_id,
                                                    const std::optional<std::string>& from,
                                                    const std::string& type, const std::string& data,
                                                    const std::vector<std::string>& to, bool check_only) {
  // Same limits as the WebSocket path; REST callers reach here directly.
  if (type.size() > kMaxSignalTypeSize)
    return err(HubError{400, "message_too_large", "type is at most 128 characters"});
  if (data.size() > kMaxSignalDataSize)
    return err(HubError{400, "message_too_large", "data is at most 8192 bytes"});
  Room* room = room_of(session_id);
  if (room == nullptr) {
    if (to.empty()) return {};  // nobody connected: a broadcast reaches nobody
    return err(HubError{404, "not_found", "no such connection in this session"});
  }
  for (const auto& id : to) {
    if (!room->connections.contains(id))
      return err(HubError{404, "not_found", "no such connection in this session"});
  }
  if (check_only) return {};
  ++counters_.signals_total;
  json message = {{"type", "signal"}, {"from", nullptr}, {"signalType", type}, {"data", data}};
  if (from) message["from"] = *from;  // REST signals come from null
  if (to.empty()) {
    broadcast(*room, message);
  } else {
    for (const auto& id : std::set<std::string>(to.begin(), to.end())) send_to(*room, id, message);
  }
  return {};
}

void SignalingHub::handle_force_disconnect(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  if (!can_moderate(self.role))
    return fail(link, r.id, "forbidden", "only a moderator can force a disconnect");
  Fields f(r.body);
  const auto target = f.string("connectionId", 64, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  if (!room.connections.contains(*target))
    return fail(link, r.id, "not_found", "no such connection in this session");
  log::info("signaling", "force disconnect",
            {{"session", room.session.id}, {"by", self.id}, {"conn", *target}});
  reply(link, r.id);
  const std::string session_id = room.session.id;
  remove_connection(room, *target, "forceDisconnected");  // may be self: nothing of self is used after this
  drop_room_if_empty(session_id);
}

void SignalingHub::handle_force_mute(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  if (!can_moderate(self.role)) return fail(link, r.id, "forbidden", "only a moderator can force a mute");
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, false);
  const auto all = f.boolean("all");
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  if (all.value_or(false)) {
    std::vector<std::string> excluded;
    if (const auto it = r.body.find("excludedStreamIds"); it != r.body.end() && !it->is_null()) {
      if (!it->is_array()) return fail(link, r.id, "bad_request", "excludedStreamIds must be an array");
      for (const auto& id : *it) {
        if (!id.is_string()) return fail(link, r.id, "bad_request", "excludedStreamIds must hold strings");
        excluded.push_back(id.get<std::string>());
      }
    }
    reply(link, r.id);
    (void)force_mute_all(room.session.id, excluded);
    return;
  }
  if (!stream_id) return fail(link, r.id, "bad_request", "streamId or all: true is required");
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end()) return fail(link, r.id, "not_found", "no such stream in this session");
  reply(link, r.id);
  mute_stream(room, it->second);
}

void SignalingHub::mute_stream(Room& room, LiveStream& stream) {
  if (!stream.has_audio) return;
  stream.has_audio = false;
  log::info("signaling", "force mute", {{"session", room.session.id}, {"stream", stream.id}});
  send_to(room, stream.connection_id, {{"type", "forceMuted"}, {"streamId", stream.id}});
  broadcast(room, {{"type", "streamPropertyChanged"},
                   {"streamId", stream.id},
                   {"property", "hasAudio"},
                   {"oldValue", true},
                   {"newValue", false}});
}

}  // namespace umbra::server
