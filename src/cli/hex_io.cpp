#include "cli/hex_io.h"

#include <iostream>
#include <iterator>

#include "cli/options.h"
#include "common/hex.h"

namespace umbra::cli {

Result<Bytes, std::string> read_hex_stdin() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return err(std::string("cannot read stdin"));
  auto bytes = hex_decode(text);
  if (!bytes) return err(std::string("stdin is not one line of hex (even length, 0-9 a-f)"));
  return std::move(*bytes);
}

bool write_text(std::FILE* out, std::string_view text) {
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  return std::fflush(out) == 0 && written;
}

int answer(std::string_view line) {
  std::string text(line);
  text.push_back('\n');
  return write_text(stdout, text) ? 0 : fail("cannot write stdout");
}

int answer_hex(ByteSpan bytes) {
  return answer(hex_encode(bytes));
}

}  // namespace umbra::cli
