#include "server/session_record.h"

#include "crypto/random.h"
#include "server/base64url.h"

namespace umbra::server {

std::string_view media_mode_name(MediaMode mode) {
  return mode == MediaMode::kRouted ? "routed" : "relayed";
}

std::optional<MediaMode> parse_media_mode(std::string_view name) {
  if (name == "routed") return MediaMode::kRouted;
  if (name == "relayed") return MediaMode::kRelayed;
  return std::nullopt;
}

std::string_view archive_mode_name(ArchiveMode mode) {
  return mode == ArchiveMode::kManual ? "manual" : "always";
}

std::optional<ArchiveMode> parse_archive_mode(std::string_view name) {
  if (name == "manual") return ArchiveMode::kManual;
  if (name == "always") return ArchiveMode::kAlways;
  return std::nullopt;
}

std::string new_session_id() {
  Bytes raw(16);
  crypto::random_bytes(raw);
  return "ses_" + base64url_encode(raw);
}

}  // namespace umbra::server
