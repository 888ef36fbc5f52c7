// Turns OpenSSL's error queue into exceptions at set-up time (key schedule, certificate creation).
// Hot paths never throw: they return false and clear the queue.
#pragma once

#include <string_view>

namespace umbra::crypto {

[[noreturn]] void throw_openssl_error(std::string_view what);
void clear_openssl_errors();

}  // namespace umbra::crypto
