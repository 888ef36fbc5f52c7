// Pieces shared by the files that implement SignalingHub (signaling_hub.cpp, signaling_streams.cpp,
// signaling_moderation.cpp): limits, id minting and a typed reader for request fields. Not a public header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/base64url.h"
#include "server/room.h"
#include "server/signaling_hub.h"

namespace umbra::server::signaling {

using nlohmann::json;

inline constexpr std::size_t kMaxRequestIdSize = 64;
inline constexpr std::size_t kMaxSignalTypeSize = 128;
inline constexpr std::size_t kMaxSignalDataSize = 8192;
inline constexpr std::size_t kMaxSdpSize = std::size_t{48} * 1024;
inline constexpr std::size_t kMaxStreamNameSize = 256;
inline constexpr std::size_t kMaxSignalRecipients = 100;
inline constexpr int kMaxVideoDimension = 16384;
inline constexpr std::int64_t kRateErrorIntervalMs = 1000;
// The reason of a stream or subscription whose media path the router closed on its own (consent
// expiry, DTLS failure or close_notify): docs/protocol.md 3.5/3.6.
inline constexpr const char* kMediaFailed = "mediaFailed";

inline std::string random_id(std::string_view prefix, std::size_t bytes) {
  Bytes raw(bytes);
  crypto::random_bytes(raw);
  return std::string(prefix) + base64url_encode(raw);
}

// Reads optional typed fields; the first problem is kept for the error message.
class Fields {
 public:
  explicit Fields(const json& body) : body_(body) {}

  std::optional<std::string> string(const char* key, std::size_t max, bool required) {
    const auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) {
      if (required) problem(std::string(key) + " is required");
      return std::nullopt;
    }
    if (!it->is_string()) {
      problem(std::string(key) + " must be a string");
      return std::nullopt;
    }
    auto value = it->get<std::string>();
    if (value.size() > max) {
      too_large_ = true;
      problem(std::string(key) + " is longer than " + std::to_string(max) + " bytes");
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> boolean(const char* key) {
    const auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      problem(std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::optional<VideoDimensions> dimensions(const char* key) {
    const auto it = body_.find(key);
    if (it == body_.end() || it->is_null()) return std::nullopt;
    const auto w = it->is_object() ? it->find("width") : it->end();
    const auto h = it->is_object() ? it->find("height") : it->end();
    if (!it->is_object() || w == it->end() || h == it->end() || !w->is_number_integer() ||
        !h->is_number_integer()) {
      problem(std::string(key) + " must be {width, height} integers");
      return std::nullopt;
    }
    const auto width = w->get<std::int64_t>();
    const auto height = h->get<std::int64_t>();
    if (width < 1 || height < 1 || width > kMaxVideoDimension || height > kMaxVideoDimension) {
      problem(std::string(key) + " out of range 1..16384");
      return std::nullopt;
    }
    return VideoDimensions{static_cast<int>(width), static_cast<int>(height)};
  }

  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  std::string_view code() const { return too_large_ ? "message_too_large" : "bad_request"; }

 private:
  void problem(std::string text) {
    if (problem_.empty()) problem_ = std::move(text);
  }
  const json& body_;
  std::string problem_;
  bool too_large_ = false;
};

}  // namespace umbra::server::signaling

namespace umbra::server {

struct SignalingHub::Request {
  std::string type;
  nlohmann::json id;
  const nlohmann::json& body;
};

}  // namespace umbra::server
