// Capability policy: which session features are available for a session's mode, and why not. E2EE
// sessions refuse everything that needs decoded media on the server (DESIGN.md, introduction); relayed
// sessions refuse everything that needs the router.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/session_record.h"

namespace umbra::server {

struct Capability {
  std::string name;  // "archiving", "broadcast", …
  bool available = false;
  std::string code;    // when unavailable: e2ee_unsupported | routed_required | not_implemented
  std::string reason;  // when unavailable: a sentence for a developer
};

std::vector<Capability> capabilities_for(const SessionRecord& session);

inline constexpr std::string_view kE2eeDecodeReason = "the router cannot decode end-to-end encrypted media";

struct ValidationError {
  int status = 400;
  std::string code;
  std::string message;
};

struct SessionRequest {
  MediaMode media_mode = MediaMode::kRouted;
  bool e2ee = false;
  ArchiveMode archive_mode = ArchiveMode::kManual;
};

// The combination rules of DESIGN.md section 5: e2ee needs routed; e2ee cannot be archived; archiving needs
// the router.
Result<void, ValidationError> validate_session_request(const SessionRequest& request);

}  // namespace umbra::server
