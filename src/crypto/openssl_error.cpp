#include "crypto/openssl_error.h"

#include <stdexcept>
#include <string>

#include <openssl/err.h>

namespace umbra::crypto {

void throw_openssl_error(std::string_view what) {
  std::string message(what);
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    message.append(": ").append(buf);
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

void clear_openssl_errors() {
  ERR_clear_error();
}

}  // namespace umbra::crypto
