// Test fixtures: the JSON vector files copied from the shared design into tests/vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace umbra::testing {

// Path of a file under tests/vectors (UMBRA_VECTORS_DIR overrides the build-time default).
std::string vector_path(const std::string& relative);

// Parses a vector file; fails the calling test (and throws) if it is missing or malformed.
nlohmann::json load_vectors(const std::string& relative);

// Decodes a hex fixture; throws on malformed hex so a broken fixture cannot pass silently.
std::vector<std::uint8_t> unhex(const std::string& hex);

}  // namespace umbra::testing
