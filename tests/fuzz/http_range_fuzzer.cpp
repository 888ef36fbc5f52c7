// The Range header decision on arbitrary bytes and sizes: a satisfiable range always lies inside the
// file and is never empty. Refusal or "ignore" is fine; a range past the end is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "server/http_range.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::server;
  std::uint64_t file_size = 0;
  if (size >= sizeof(file_size)) {
    std::memcpy(&file_size, data, sizeof(file_size));
    data += sizeof(file_size);
    size -= sizeof(file_size);
  }
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  for (const std::uint64_t length : {file_size, file_size % 100'000, std::uint64_t{0}, std::uint64_t{1}}) {
    const auto decision = decide_range(header, length);
    if (decision.outcome != RangeOutcome::kSatisfiable) continue;
    if (decision.range.length == 0 || decision.range.first >= length ||
        decision.range.length > length - decision.range.first) {
      std::abort();
    }
    (void)content_range(decision.range, length);
  }
  return 0;
}
