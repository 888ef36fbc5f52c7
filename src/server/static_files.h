// Serves the web SDK bundle and the demo from --web-root (the repository's web/ by default):
// `/` → demo/index.html, `/demo/*` → demo/*, `/sdk/*` and `/dist/*` → dist/*. Nothing outside those two
// directories is reachable: dot segments, encoded slashes, NULs and symlinks out of the tree are refused.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace umbra::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path web_root);

  // nullopt when the path is not one of ours (the caller answers 404 in its own format). Over HTTP a
  // HEAD arrives here as a GET and the HTTP layer drops the body, keeping its real Content-Length; the
  // response is marked accept_ranges so a Range header is honoured.
  std::optional<HttpResponse> serve(const std::string& method, const std::string& path) const;

  // The file a URL path maps to, or nullopt (exposed for tests).
  std::optional<std::filesystem::path> resolve(const std::string& path) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

std::string_view content_type_for(const std::filesystem::path& file);

// The web/ directory known at build time.
std::filesystem::path default_web_root();

}  // namespace umbra::server
