#include "e2ee/kid.h"

#include "crypto/random.h"

namespace umbra::e2ee {

std::uint64_t random_sender() {
  return crypto::random_u64() & kSenderMask;
}

}  // namespace umbra::e2ee
