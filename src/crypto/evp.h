// Internal: the OpenSSL digest behind a Hash. Not part of the public crypto surface.
#pragma once

#include <openssl/evp.h>

#include "crypto/hash.h"

namespace umbra::crypto {

const EVP_MD* evp_md(Hash hash);

}  // namespace umbra::crypto
