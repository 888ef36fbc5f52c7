#include "server/static_files.h"

#include <fstream>
#include <sstream>

namespace umbra::server {
namespace {

constexpr std::uintmax_t kMaxFileSize = std::uintmax_t{32} * 1024 * 1024;

// A safe relative path from URL segments: no empty, "." or ".." segments, no backslash or NUL.
std::optional<std::filesystem::path> safe_relative(std::string_view rest) {
  std::string decoded;
  if (!percent_decode(rest, decoded, false)) return std::nullopt;
  if (decoded.empty()) return std::nullopt;
  std::filesystem::path out;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    auto end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    const std::string_view segment(decoded.data() + start, end - start);
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0:", 3)) != std::string_view::npos) {
      return std::nullopt;
    }
    out /= std::string(segment);
    start = end + 1;
  }
  return out;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path web_root) : root_(std::move(web_root)) {}

std::filesystem::path default_web_root() {
#ifdef UMBRA_WEB_ROOT_DEFAULT
  return UMBRA_WEB_ROOT_DEFAULT;
#else
  return "web";
#endif
}

std::string_view content_type_for(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".ts" || ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webp") return "image/webp";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

std::optional<std::filesystem::path> StaticFiles::resolve(const std::string& path) const {
  std::string_view dir;
  std::string_view rest;
  if (path == "/" || path == "/index.html") {
    dir = "demo";
    rest = "index.html";
  } else if (path.starts_with("/demo/")) {
    dir = "demo";
    rest = std::string_view(path).substr(6);
  } else if (path.starts_with("/sdk/")) {
    dir = "dist";
    rest = std::string_view(path).substr(5);
  } else if (path.starts_with("/dist/")) {
    dir = "dist";
    rest = std::string_view(path).substr(6);
  } else {
    return std::nullopt;
  }
  const auto relative = safe_relative(rest);
  if (!relative) return std::nullopt;
  std::error_code ec;
  const auto base = std::filesystem::weakly_canonical(root_ / dir, ec);
  if (ec) return std::nullopt;
  const auto file = std::filesystem::weakly_canonical(base / *relative, ec);
  if (ec) return std::nullopt;
  // After symlinks are resolved the file must still be inside its directory.
  const auto [base_end, file_it] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (base_end != base.end()) return std::nullopt;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::optional<HttpResponse> StaticFiles::serve(const std::string& method, const std::string& path) const {
  if (method != "GET" && method != "HEAD") return std::nullopt;
  const auto file = resolve(path);
  if (!file) return std::nullopt;
  std::error_code ec;
  const auto size = std::filesystem::file_size(*file, ec);
  if (ec || size > kMaxFileSize) return std::nullopt;
  std::ifstream in(*file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse response;
  response.content_type = std::string(content_type_for(*file));
  response.accept_ranges = true;
  response.body = method == "HEAD" ? std::string() : std::move(body).str();
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace umbra::server
