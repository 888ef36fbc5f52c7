#include "server/capabilities.h"

namespace umbra::server {
namespace {

// Features that need the server to see decoded media.
constexpr std::string_view kMediaFeatures[] = {"archiving", "broadcast", "captions",
                                               "sip",       "composing", "audioConnection"};

}  // namespace

std::vector<Capability> capabilities_for(const SessionRecord& session) {
  std::vector<Capability> out;
  const bool routed = session.media_mode == MediaMode::kRouted;
  out.push_back({"signals", true, "", ""});
  out.push_back({"forceMute", true, "", ""});
  out.push_back({"forceDisconnect", true, "", ""});
  if (session.e2ee) {
    out.push_back({"e2ee", true, "", ""});
  } else if (routed) {
    out.push_back(
        {"e2ee", false, "e2ee_unsupported", "end-to-end encryption is chosen when the session is created"});
  } else {
    out.push_back({"e2ee", false, "e2ee_requires_routed", "end-to-end encryption needs a routed session"});
  }
  for (const auto name : kMediaFeatures) {
    Capability c{std::string(name), false, "", ""};
    if (!routed) {
      c.code = "routed_required";
      c.reason = "media goes peer to peer in a relayed session; this needs a routed session";
    } else if (session.e2ee) {
      c.code = "e2ee_unsupported";
      c.reason = std::string(kE2eeDecodeReason);
    } else if (name == "archiving") {
      c.available = true;  // POST /v1/archives (issue 6); the router records the decrypted RTP
    } else {
      c.code = "not_implemented";
      c.reason = "not implemented in this version of umbra";
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<void, ValidationError> validate_session_request(const SessionRequest& request) {
  if (request.e2ee && request.media_mode != MediaMode::kRouted) {
    return err(
        ValidationError{400, "e2ee_requires_routed",
                        "end-to-end encryption needs mediaMode \"routed\" (SFrame over the media router)"});
  }
  if (request.e2ee && request.archive_mode == ArchiveMode::kAlways) {
    return err(
        ValidationError{400, "e2ee_unsupported",
                        "archiveMode \"always\" is impossible with e2ee: " + std::string(kE2eeDecodeReason)});
  }
  if (request.archive_mode == ArchiveMode::kAlways && request.media_mode != MediaMode::kRouted) {
    return err(ValidationError{400, "routed_required", "archiving needs mediaMode \"routed\""});
  }
  return {};
}

}  // namespace umbra::server
