// Token checks on arbitrary bytes: the raw JWS parser, the REST API's project-JWT check (as an
// Authorization header) and the client-token check. Refusal is fine; a crash or an accepted forgery is not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/client_token.h"
#include "server/jwt.h"
#include "server/project_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::server;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ApiCredentials creds{"fuzzkey", "fuzzsecret"};
  (void)jwt_verify_hs256(input, creds.secret);
  (void)verify_project_token("Bearer " + std::string(input), creds, 1'800'000'000);
  (void)verify_client_token(input, creds, 1'800'000'000);
  // A token signed under any other key never verifies under the real one. (HMAC pads short keys with
  // zero bytes, RFC 2104 section 2, so the secret followed by NULs is the same key.)
  std::string_view key = input;
  while (!key.empty() && key.back() == '\0') key.remove_suffix(1);
  const auto forged = jwt_sign_hs256(R"({"iss":"fuzzkey","iat":0,"exp":4000000000})", std::string(input));
  if (key != creds.secret && jwt_verify_hs256(forged, creds.secret).ok()) std::abort();
  return 0;
}
