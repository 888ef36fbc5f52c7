// A session as it is stored and as the REST API shows it (DESIGN.md section 5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace umbra::server {

enum class MediaMode { kRouted, kRelayed };
enum class ArchiveMode { kManual, kAlways };

std::string_view media_mode_name(MediaMode mode);
std::optional<MediaMode> parse_media_mode(std::string_view name);
std::string_view archive_mode_name(ArchiveMode mode);
std::optional<ArchiveMode> parse_archive_mode(std::string_view name);

struct SessionRecord {
  std::string id;
  MediaMode media_mode = MediaMode::kRouted;
  bool e2ee = false;
  ArchiveMode archive_mode = ArchiveMode::kManual;
  std::int64_t created_at_ms = 0;
  std::string room;  // demo room name, empty for sessions created through the REST API
};

// A fresh random session id: "ses_" + 22 base64url characters (128 bits).
std::string new_session_id();

}  // namespace umbra::server
