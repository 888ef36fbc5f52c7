#include "rtc/ice/credentials.h"

#include <array>

#include "common/bytes.h"
#include "crypto/random.h"

namespace umbra::rtc::ice {
namespace {

constexpr std::string_view kIceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 64 symbols: each random byte's low 6 bits pick one without bias.
std::string random_ice_string(std::size_t length) {
  std::array<std::uint8_t, 64> buf{};
  crypto::random_bytes(MutableByteSpan(buf).first(length));
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) out.push_back(kIceChars[buf[i] & 0x3F]);
  return out;
}

}  // namespace

Credentials generate_credentials() {
  return {random_ice_string(16), random_ice_string(32)};
}

std::optional<UsernameParts> split_username(std::string_view username) {
  const auto colon = username.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == username.size()) return std::nullopt;
  return UsernameParts{username.substr(0, colon), username.substr(colon + 1)};
}

}  // namespace umbra::rtc::ice
