// Whether a session may be archived, as pure functions the control plane calls before it touches
// the router or the database. Recording needs the router to decode the media (DESIGN.md,
// introduction): an end-to-end encrypted session carries media the router cannot read, and a
// relayed session carries no media through the router at all.
#pragma once

#include <optional>
#include <string_view>

namespace umbra::archive {

inline constexpr std::string_view kE2eeUnsupportedMessage =
    "cannot archive: the router cannot decode end-to-end encrypted media";
inline constexpr std::string_view kRoutedRequiredMessage =
    "cannot archive: recording needs mediaMode \"routed\" (in a relayed session media does not pass the "
    "router)";

struct SessionTraits {
  bool e2ee = false;
  bool routed = true;
};

struct Refusal {
  int http_status = 409;
  std::string_view code;  // e2ee_unsupported | routed_required | invalid_archive | archive_in_progress
  std::string_view message;
};

struct ArchiveRequest {
  bool has_audio = true;
  bool has_video = true;
};

// POST /v1/archives: why this archive cannot start, or nullopt when it can. The session's mode
// conflicts come first (409), then the request itself (400), then a running archive (409).
std::optional<Refusal> archive_refusal(const SessionTraits& session, const ArchiveRequest& request,
                                       bool archive_in_progress);

// POST /v1/sessions with archiveMode "always": the same conflicts, as a 400 at creation, because
// such a session would refuse its own automatic archive later.
std::optional<Refusal> always_archive_refusal(const SessionTraits& session);

}  // namespace umbra::archive
