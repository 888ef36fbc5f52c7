// Live (in-memory) state of one session: who is connected and what they publish. Only the signaling hub
// mutates it, on the control-plane thread. Persisted state (the session itself) lives in SessionStore.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/client_token.h"
#include "server/session_record.h"

namespace umbra::server {

class ClientLink;

struct VideoDimensions {
  int width = 0;
  int height = 0;
  bool operator==(const VideoDimensions&) const = default;
};

struct LiveStream {
  std::string id;
  std::string connection_id;
  std::string name;
  bool has_audio = false;
  bool has_video = false;
  std::string video_type = "camera";  // camera | screen
  std::optional<VideoDimensions> video_dimensions;
  std::int64_t created_at_ms = 0;
  std::set<std::string> subscribers;  // connection ids
  // Routed sessions: the publisher's router transport and one producer per track.
  std::string transport_id;
  std::vector<std::string> producer_ids;
  std::size_t video_layers = 1;  // routed: simulcast layers of the video track (updateSubscription)
};

// A subscription in a routed session: its own router transport with one consumer per track.
struct RoutedSubscription {
  std::string transport_id;                                    // empty while the router is still creating it
  std::vector<std::pair<std::string, std::string>> consumers;  // (kind, consumer id)
  std::string offer_sdp;  // the router's last offer: an ICE restart re-sends it with new credentials
};

struct LiveConnection {
  std::string id;
  std::string session_id;
  Role role = Role::kSubscriber;
  std::string data;
  std::int64_t created_at_ms = 0;
  ClientLink* link = nullptr;  // null while suspended (socket dropped, resume window open)
  std::int64_t suspended_at_ms = 0;
  std::string resume_token;
  std::vector<std::string> streams;                  // ids of streams this connection publishes, oldest first
  std::set<std::string> subscriptions;               // stream ids
  std::map<std::string, RoutedSubscription> routed;  // stream id → its router side (routed sessions)
};

struct Room {
  SessionRecord session;
  std::map<std::string, LiveConnection> connections;
  std::map<std::string, LiveStream> streams;
};

}  // namespace umbra::server
