// `umbra e2ee seal|open|code`: umbra-e2ee-v1 (DESIGN.md section 4) from the secret people type,
// for checking a client's frames and verification code against ours.
#include <array>
#include <charconv>
#include <limits>
#include <string>

#include "cli/command.h"
#include "cli/hex_io.h"
#include "cli/options.h"
#include "common/hex.h"
#include "e2ee/clear_prefix.h"
#include "e2ee/frame.h"
#include "e2ee/key_ring.h"
#include "e2ee/kid.h"
#include "e2ee/session_secret.h"

namespace umbra::cli {

namespace {

constexpr OptionSpec kSecret{"secret", "S", "the encryption secret (8-256 characters, NFC-normalized)"};
constexpr OptionSpec kSession{"session", "ID", "the session id"};
constexpr OptionSpec kCodec{"codec", "vp8|opus",
                            "decides the clear prefix (VP8 key frame 10, delta 3, Opus 0)"};

constexpr std::array kSealOptions{
    kSecret,
    kSession,
    OptionSpec{"sender", "HEX48", "the 48-bit sender number R, hex (the low 48 bits of the KID)"},
    OptionSpec{"ctr", "N", "frame counter, decimal or 0x-hex"},
    kCodec,
};
constexpr std::array kOpenOptions{kSecret, kSession, kCodec};
constexpr std::array kCodeOptions{kSecret, kSession};

Result<e2ee::SessionSecret, std::string> session_secret(const Options& options) {
  auto secret = e2ee::SessionSecret::derive(options.get("secret"), options.get("session"));
  if (!secret) return err(std::string(e2ee::to_string(secret.error())) + " (8 to 256 characters of UTF-8)");
  return *secret;
}

Result<e2ee::Codec, std::string> codec(const Options& options) {
  const auto parsed = e2ee::parse_codec(options.get("codec"));
  if (!parsed) return err("--codec must be vp8 or opus, got '" + std::string(options.get("codec")) + "'");
  return *parsed;
}

Result<std::uint64_t, std::string> sender(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) digits.remove_prefix(2);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (digits.empty() || digits.size() > 12 || ec != std::errc() || end != digits.data() + digits.size()) {
    return err("--sender must be 1 to 12 hex digits (48 bits), got '" + std::string(text) + "'");
  }
  return value;
}

std::string hex16(std::uint16_t v) {
  return hex_encode(std::array{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}

std::string explain_open_failure(e2ee::Error error, ByteSpan wire, e2ee::Codec codec,
                                 const e2ee::SessionSecret& secret) {
  switch (error) {
    case e2ee::Error::kUnknownKeyCheck: {
      const auto layout = e2ee::parse_wire(codec, wire);
      const std::uint16_t frame_check = layout ? e2ee::kid_key_check(layout->header.kid) : 0;
      return "key check " + hex16(frame_check) + " in the frame's KID does not match this secret's " +
             hex16(secret.key_check()) + ": sealed under another secret or session";
    }
    case e2ee::Error::kUndecryptable:
      return "undecryptable: the tag does not verify (another secret, another codec, or altered bytes)";
    case e2ee::Error::kNoHeader: return "no SFrame header after the clear prefix";
    default: return std::string(e2ee::to_string(error));
  }
}

int seal(const Options& options) {
  const auto c = codec(options);
  if (!c) return fail(c.error());
  const auto r = sender(options.get("sender"));
  if (!r) return fail(r.error());
  const auto ctr = parse_uint("ctr", options.get("ctr"), std::numeric_limits<std::uint64_t>::max());
  if (!ctr) return fail(ctr.error());
  const auto secret = session_secret(options);
  if (!secret) return fail(secret.error());
  const auto frame = read_hex_stdin();
  if (!frame) return fail(frame.error());

  const std::uint64_t kid = e2ee::make_kid(secret->key_check(), *r);
  sframe::Context ctx(e2ee::kCipherSuite);
  ctx.add_key(kid, secret->base_key(kid));
  Bytes wire(frame->size() + e2ee::kMaxWireOverhead);
  const auto size = e2ee::seal_frame_with_counter(ctx, kid, *ctr, *c, *frame, wire);
  if (!size) return fail("cannot seal: " + std::string(e2ee::to_string(size.error())));
  wire.resize(*size);
  return answer_hex(wire);
}

int open(const Options& options) {
  const auto c = codec(options);
  if (!c) return fail(c.error());
  const auto secret = session_secret(options);
  if (!secret) return fail(secret.error());
  const auto wire = read_hex_stdin();
  if (!wire) return fail(wire.error());

  // The same receive path as a participant: key check first, then the lazily derived sender key.
  e2ee::KeyRing ring(std::string(options.get("session")));
  ring.set_session_secret(*secret, e2ee::TimePoint{});
  Bytes frame(wire->size());
  const auto size = ring.open(*c, *wire, frame, e2ee::TimePoint{});
  if (!size) return fail("cannot open: " + explain_open_failure(size.error(), *wire, *c, *secret));
  frame.resize(*size);
  return answer_hex(frame);
}

int code(const Options& options) {
  const auto secret = session_secret(options);
  if (!secret) return fail(secret.error());
  return answer(secret->verification_code());
}

constexpr std::array kActions{
    Action{"seal", "Seal one media frame as umbra-e2ee-v1 at an explicit sender number and counter.",
           "the encoded frame (hex)", "prefix || SFrame header || ciphertext || tag (hex)", kSealOptions,
           seal},
    Action{"open", "Open one umbra-e2ee-v1 wire frame.", "prefix || SFrame header || ciphertext || tag (hex)",
           "the encoded frame (hex)", kOpenOptions, open},
    Action{"code", "Print the verification code people compare out of band.", "nothing",
           "the code, four groups of five digits", kCodeOptions, code},
};

}  // namespace

int run_e2ee(Args args) {
  return run_actions("e2ee", "umbra-e2ee-v1 (DESIGN.md section 4) from the secret and the session id.",
                     kActions, args);
}

}  // namespace umbra::cli
