#include "server/http_range.h"

#include <limits>

#include "server/http_types.h"

namespace umbra::server {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// 1*DIGIT, the whole of `s`. Values past 2^64-1 saturate: they are still well-formed positions, and a
// saturated first-pos is simply past the end, a saturated last-pos or suffix-length covers the rest.
bool parse_digits(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t value = 0;
  for (const char c : s) {
    if (!is_digit(c)) return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  out = value;
  return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

RangeDecision decide_range(std::string_view header, std::uint64_t size) {
  const RangeDecision ignore;
  header = trim_ows(header);
  // ranges-specifier = range-unit "=" range-set; range units are case-insensitive (section 14.1).
  const auto equals = header.find('=');
  if (equals == std::string_view::npos) return ignore;
  if (!equals_ignoring_case(header.substr(0, equals), "bytes")) return ignore;
  const std::string_view spec = header.substr(equals + 1);
  // Several ranges (a list) are ignored rather than answered as multipart/byteranges.
  if (spec.find(',') != std::string_view::npos) return ignore;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return ignore;
  const std::string_view first_text = spec.substr(0, dash);
  const std::string_view last_text = spec.substr(dash + 1);

  if (first_text.empty()) {
    // suffix-range = "-" suffix-length: the last n bytes, or the whole file when it is shorter
    // (section 14.1.2). A zero suffix-length is unsatisfiable (section 14.1.1).
    std::uint64_t suffix = 0;
    if (!parse_digits(last_text, suffix)) return ignore;
    // A suffix of an empty file selects nothing that Content-Range could name: send the (empty) whole.
    if (size == 0 && suffix > 0) return ignore;
    if (suffix == 0) return {RangeOutcome::kUnsatisfiable, {}};
    const std::uint64_t length = suffix < size ? suffix : size;
    return {RangeOutcome::kSatisfiable, {size - length, length}};
  }

  // int-range = first-pos "-" [ last-pos ]; last-pos below first-pos makes it invalid (section 14.1.1).
  std::uint64_t first = 0;
  if (!parse_digits(first_text, first)) return ignore;
  std::uint64_t last = kMax;
  if (!last_text.empty() && !parse_digits(last_text, last)) return ignore;
  if (last < first) return ignore;
  if (first >= size) return {RangeOutcome::kUnsatisfiable, {}};
  // A last-pos at or past the end means "to the end" (section 14.1.2).
  if (last >= size) last = size - 1;
  return {RangeOutcome::kSatisfiable, {first, last - first + 1}};
}

std::string content_range(ByteRange range, std::uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.first + range.length - 1) + "/" +
         std::to_string(size);
}

std::string unsatisfied_content_range(std::uint64_t size) {
  return "bytes */" + std::to_string(size);
}

}  // namespace umbra::server
