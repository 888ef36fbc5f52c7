// If-None-Match and If-Range on arbitrary bytes: never a crash, and never a match on a field that does
// not even contain the tag (a wrong 304 would leave a client with stale bytes, a wrong If-Range match
// would glue two versions of a file together).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "server/http_conditional.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::server;
  std::uint64_t file_size = 0;
  std::int64_t mtime = 0;
  if (size >= sizeof(file_size) + sizeof(mtime)) {
    std::memcpy(&file_size, data, sizeof(file_size));
    std::memcpy(&mtime, data + sizeof(file_size), sizeof(mtime));
    data += sizeof(file_size) + sizeof(mtime);
    size -= sizeof(file_size) + sizeof(mtime);
  }
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const std::string etag = file_entity_tag(file_size, mtime);
  const std::string_view opaque = std::string_view(etag).substr(1, etag.size() - 2);
  if (if_range_matches(header, etag) && header.find(etag) == std::string_view::npos) std::abort();
  if (if_none_match_matches(header, etag) && header.find(opaque) == std::string_view::npos &&
      header.find('*') == std::string_view::npos) {
    std::abort();
  }
  (void)if_none_match_matches(header, header);
  (void)if_range_matches(header, header);
  return 0;
}
