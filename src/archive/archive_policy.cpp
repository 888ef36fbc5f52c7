#include "archive/archive_policy.h"

namespace umbra::archive {
namespace {

std::optional<Refusal> mode_conflict(const SessionTraits& session, int status) {
  // E2EE first: an E2EE session is always routed, and the reason a user needs is the encryption.
  if (session.e2ee) return Refusal{status, "e2ee_unsupported", kE2eeUnsupportedMessage};
  if (!session.routed) return Refusal{status, "routed_required", kRoutedRequiredMessage};
  return std::nullopt;
}

}  // namespace

std::optional<Refusal> archive_refusal(const SessionTraits& session, const ArchiveRequest& request,
                                       bool archive_in_progress) {
  if (auto conflict = mode_conflict(session, 409)) return conflict;
  if (!request.has_audio && !request.has_video) {
    return Refusal{400, "invalid_archive", "an archive needs hasAudio, hasVideo or both"};
  }
  if (archive_in_progress) {
    return Refusal{409, "archive_in_progress",
                   "this session is already being archived; stop that archive first"};
  }
  return std::nullopt;
}

std::optional<Refusal> always_archive_refusal(const SessionTraits& session) {
  return mode_conflict(session, 400);
}

}  // namespace umbra::archive
