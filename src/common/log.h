// Structured, greppable log lines on stderr: `<time> <level> <component>: <message> key=value ...`.
// Never log secrets or keys; log ids (session=, conn=, stream=) so a failing call can be followed.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace umbra::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Field = std::pair<std::string_view, std::string_view>;

void set_level(Level level);
bool enabled(Level level);
// Parses "debug", "info", "warn", "error"; false (and no change) for anything else.
bool set_level(std::string_view name);

void write(Level level, std::string_view component, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, c, m, f);
}
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kInfo, c, m, f);
}
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kWarn, c, m, f);
}
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kError, c, m, f);
}

}  // namespace umbra::log
