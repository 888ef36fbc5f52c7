#include "server/http_conditional.h"

#include <cstdio>

#include "server/http_types.h"

namespace umbra::server {
namespace {

// etagc = %x21 / %x23-7E / obs-text (section 8.8.3): visible characters but DQUOTE, and bytes >= 0x80.
bool is_etagc(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u != 0x7F);
}

struct EntityTag {
  bool weak = false;
  std::string_view opaque;  // with its quotes
};

// One entity-tag, the whole of `s` (already trimmed); false if it is not one.
bool parse_entity_tag(std::string_view s, EntityTag& out) {
  out.weak = s.starts_with("W/");
  if (out.weak) s.remove_prefix(2);
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (const char c : s.substr(1, s.size() - 2)) {
    if (!is_etagc(c)) return false;
  }
  out.opaque = s;
  return true;
}

}  // namespace

std::string file_entity_tag(std::uint64_t size, std::int64_t mtime_ns) {
  char text[48];
  const int n = std::snprintf(text, sizeof text, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                              static_cast<unsigned long long>(mtime_ns));
  return std::string(text, n > 0 ? static_cast<std::size_t>(n) : 0);
}

bool if_none_match_matches(std::string_view header, std::string_view etag) {
  header = trim_ows(header);
  if (header == "*") return true;  // "any current representation": the file exists, or we would not ask
  EntityTag current;
  if (!parse_entity_tag(etag, current)) return false;
  bool matched = false;
  // #entity-tag (section 5.6.1.2): tags separated by commas and optional whitespace, empty elements
  // allowed. An opaque tag may itself hold commas, so each tag is read up to its closing quote. Every
  // element is read, so that a malformed list never matches.
  std::size_t i = 0;
  while (i < header.size()) {
    if (header[i] == ',' || is_ows(header[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (header.substr(i).starts_with("W/")) i += 2;
    if (i >= header.size() || header[i] != '"') return false;
    const auto close = header.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    i = close + 1;
    EntityTag tag;
    if (!parse_entity_tag(header.substr(start, i - start), tag)) return false;
    if (tag.opaque == current.opaque) matched = true;  // weak comparison (section 8.8.3.2)
    while (i < header.size() && is_ows(header[i])) ++i;
    if (i < header.size() && header[i] != ',') return false;
  }
  return matched;
}

bool if_range_matches(std::string_view header, std::string_view etag) {
  EntityTag given;
  EntityTag current;
  if (!parse_entity_tag(trim_ows(header), given) || !parse_entity_tag(etag, current)) return false;
  // Strong comparison (section 8.8.3.2): neither may be weak.
  return !given.weak && !current.weak && given.opaque == current.opaque;
}

}  // namespace umbra::server
