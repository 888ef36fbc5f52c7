// `umbra sframe seal|open`: raw RFC 9605 SFrame with a given base key, for checking another
// implementation's bytes against ours (and against the RFC's vectors).
#include <array>
#include <limits>
#include <string>

#include "cli/command.h"
#include "cli/hex_io.h"
#include "cli/options.h"
#include "sframe/sframe.h"

namespace umbra::cli {

namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

constexpr std::array kSealOptions{
    OptionSpec{"suite", "N", "cipher suite, 1-8 (RFC 9605 section 8.1; 4 = AES_128_GCM_SHA256_128)"},
    OptionSpec{"base-key", "HEX", "the sender's base key"},
    OptionSpec{"kid", "N", "key id, decimal or 0x-hex"},
    OptionSpec{"ctr", "N", "frame counter, decimal or 0x-hex"},
    OptionSpec{"metadata", "HEX", "metadata authenticated with the header, empty if omitted", false},
};
constexpr std::array kOpenOptions{
    OptionSpec{"suite", "N", "cipher suite, 1-8"},
    OptionSpec{"base-key", "HEX", "the sender's base key (held under the KID the frame carries)"},
    OptionSpec{"metadata", "HEX", "metadata the frame was sealed with, empty if omitted", false},
};

struct Keying {
  sframe::CipherSuite suite;
  Bytes base_key;
  Bytes metadata;
};

Result<Keying, std::string> keying(const Options& options) {
  const auto suite = parse_uint("suite", options.get("suite"), 0xffff);
  if (!suite) return err(suite.error());
  if (!sframe::is_supported(static_cast<std::uint16_t>(*suite))) {
    return err("--suite " + std::string(options.get("suite")) + " is not a supported cipher suite (1-8)");
  }
  auto base_key = parse_hex_option("base-key", options.get("base-key"));
  if (!base_key) return err(base_key.error());
  if (base_key->empty()) return err(std::string("--base-key is empty"));
  Bytes metadata;
  if (const auto text = options.find("metadata")) {
    auto parsed = parse_hex_option("metadata", *text);
    if (!parsed) return err(parsed.error());
    metadata = std::move(*parsed);
  }
  return Keying{static_cast<sframe::CipherSuite>(*suite), std::move(*base_key), std::move(metadata)};
}

int seal(const Options& options) {
  const auto keys = keying(options);
  if (!keys) return fail(keys.error());
  const auto kid = parse_uint("kid", options.get("kid"), kMaxU64);
  if (!kid) return fail(kid.error());
  const auto ctr = parse_uint("ctr", options.get("ctr"), kMaxU64);
  if (!ctr) return fail(ctr.error());
  const auto plaintext = read_hex_stdin();
  if (!plaintext) return fail(plaintext.error());

  sframe::Context ctx(keys->suite);
  ctx.add_key(*kid, keys->base_key);
  Bytes frame(plaintext->size() + sframe::kMaxOverhead);
  const auto size = ctx.protect_with_counter(*kid, *ctr, keys->metadata, *plaintext, frame);
  if (!size) return fail("cannot seal: " + std::string(sframe::to_string(size.error())));
  frame.resize(*size);
  return answer_hex(frame);
}

int open(const Options& options) {
  const auto keys = keying(options);
  if (!keys) return fail(keys.error());
  const auto frame = read_hex_stdin();
  if (!frame) return fail(frame.error());
  const auto header = sframe::decode(*frame);
  if (!header) return fail("not an SFrame frame: " + std::string(sframe::to_string(header.error())));

  sframe::Context ctx(keys->suite);
  ctx.add_key(header->header.kid, keys->base_key);
  Bytes plaintext(frame->size());
  const auto opened = ctx.unprotect(keys->metadata, *frame, plaintext);
  if (!opened) return fail("cannot open: " + std::string(sframe::to_string(opened.error())));
  plaintext.resize(opened->size);
  return answer_hex(plaintext);
}

constexpr std::array kActions{
    Action{"seal", "Seal one frame with RFC 9605 SFrame at an explicit KID and counter.", "plaintext (hex)",
           "header || ciphertext || tag (hex)", kSealOptions, seal},
    Action{"open", "Open one SFrame frame; the KID is read from its header.",
           "header || ciphertext || tag (hex)", "plaintext (hex)", kOpenOptions, open},
};

}  // namespace

int run_sframe(Args args) {
  return run_actions("sframe", "RFC 9605 SFrame with a given base key, any cipher suite.", kActions, args);
}

}  // namespace umbra::cli
