// Validators and conditional requests for archive files (RFC 9110 section 8.8.3 ETag, section 13):
// If-None-Match lets a player or cache revalidate without downloading again (304), If-Range lets a
// resumed download ask for "the rest, if it is still the same file" (206) and get the whole new file
// otherwise (200). Pure and transport-free; the HTTP layer applies the answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace umbra::server {

// A strong entity tag, quoted, from the file's size and modification time in nanoseconds. Archive files
// only ever grow while recorded and are then left alone (a finished file's index is written before its
// last modification), so equal size and mtime mean equal bytes.
std::string file_entity_tag(std::uint64_t size, std::int64_t mtime_ns);

// If-None-Match (section 13.1.2) against the current `etag`: true when the list is "*" or holds a tag
// that is weakly equal (the W/ prefix ignored) — then a GET or HEAD is answered 304. A malformed field
// matches nothing, so the client gets the whole representation rather than a wrong 304.
bool if_none_match_matches(std::string_view header, std::string_view etag);

// If-Range (section 13.1.5): true only when the field is one strong entity tag equal to `etag`; then the
// Range is honoured. A date, a weak tag, a list, a different tag, or an empty `etag` (nothing to compare)
// is false: the Range is ignored and the whole representation is sent.
bool if_range_matches(std::string_view header, std::string_view etag);

}  // namespace umbra::server
