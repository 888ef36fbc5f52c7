// PBKDF2 at 100000 iterations is slow under the sanitizers: derive each (secret, session) once
// per test binary.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "e2ee/session_secret.h"

namespace umbra::e2ee::testing {

inline const SessionSecret& cached_session_secret(const std::string& secret, const std::string& session_id) {
  static std::map<std::pair<std::string, std::string>, SessionSecret> cache;
  const auto key = std::make_pair(secret, session_id);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto derived = SessionSecret::derive(secret, session_id);
    if (!derived) throw std::runtime_error("cannot derive a session secret from " + secret);
    it = cache.emplace(key, *derived).first;
  }
  return it->second;
}

}  // namespace umbra::e2ee::testing
