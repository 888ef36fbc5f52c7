// The CLI's data channel: one line of hex on stdin, one line of hex on stdout.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::cli {

// Reads all of stdin as hex (surrounding whitespace ignored; an empty line is zero bytes).
Result<Bytes, std::string> read_hex_stdin();

// Writes text to out and flushes; false if it did not all get there (a closed pipe, a full disk),
// which the command then reports as a failure rather than exit 0 with half an answer.
bool write_text(std::FILE* out, std::string_view text);

// The command's answer, one line on stdout: 0, or 1 with a message if stdout failed.
int answer(std::string_view line);
int answer_hex(ByteSpan bytes);

}  // namespace umbra::cli
