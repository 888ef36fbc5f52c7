#include "cli/hex_io.h"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "common/hex.h"

namespace umbra::cli {

Result<Bytes, std::string> read_hex_stdin() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return err(std::string("cannot read stdin"));
  auto bytes = hex_decode(text);
  if (!bytes) return err(std::string("stdin is not one line of hex (even length, 0-9 a-f)"));
  return std::move(*bytes);
}

void write_hex_stdout(ByteSpan bytes) {
  write_line_stdout(hex_encode(bytes));
}

void write_line_stdout(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace umbra::cli
