#include "support/vectors.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/hex.h"

namespace umbra::testing {

std::string vector_path(const std::string& relative) {
  const char* dir = std::getenv("UMBRA_VECTORS_DIR");
  return std::string(dir != nullptr ? dir : UMBRA_VECTORS_DIR_DEFAULT) + "/" + relative;
}

nlohmann::json load_vectors(const std::string& relative) {
  const std::string path = vector_path(relative);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open vector file " + path);
  return nlohmann::json::parse(in);
}

std::vector<std::uint8_t> unhex(const std::string& hex) {
  auto bytes = umbra::hex_decode(hex);
  if (!bytes) throw std::runtime_error("malformed hex fixture: " + hex);
  return *bytes;
}

}  // namespace umbra::testing
