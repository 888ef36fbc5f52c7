// The CLI's data channel: one line of hex on stdin, one line of hex on stdout.
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::cli {

// Reads all of stdin as hex (surrounding whitespace ignored; an empty line is zero bytes).
Result<Bytes, std::string> read_hex_stdin();
void write_hex_stdout(ByteSpan bytes);
void write_line_stdout(std::string_view line);

}  // namespace umbra::cli
