// Reading recorded files back with the tools a user would use: ffprobe for what a file holds and
// ffmpeg for whether it decodes. Tests that include this define UMBRA_FFPROBE and UMBRA_FFMPEG (the
// tools' paths, found by CMake) on their target.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace umbra::testing {

struct CommandOutput {
  int status = -1;  // as from pclose: 0 when the command exited 0
  std::string text;
};

inline CommandOutput run_command(const std::string& command) {
  CommandOutput out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.text.append(buffer.data(), n);
  out.status = ::pclose(pipe);
  return out;
}

// ffprobe's JSON for a file (streams and format), or null when ffprobe cannot read it.
inline nlohmann::json ffprobe(const std::filesystem::path& file, const std::string& extra = "") {
  const auto out = run_command(std::string(UMBRA_FFPROBE) + " -v error " + extra +
                               " -show_streams -show_format -of json '" + file.string() + "' 2>/dev/null");
  if (out.status != 0) return nullptr;
  return nlohmann::json::parse(out.text, nullptr, false);
}

// ffmpeg decodes every frame and prints nothing at -v error when the file is sound. -enc_time_base:v -1
// keeps the file's millisecond timestamps: otherwise ffmpeg re-times video to the frame rate it guesses
// and two frames closer than one such tick make the null muxer print "non monotonically increasing
// dts" for a sound file (web/test/helpers/archive_files.mjs, same fix).
inline CommandOutput ffmpeg_decode(const std::filesystem::path& file) {
  return run_command(std::string(UMBRA_FFMPEG) + " -nostdin -v error -i '" + file.string() +
                     "' -enc_time_base:v -1 -f null - 2>&1");
}

inline double duration_seconds(const nlohmann::json& probe) {
  return std::stod(probe.at("format").at("duration").get<std::string>());
}

}  // namespace umbra::testing
