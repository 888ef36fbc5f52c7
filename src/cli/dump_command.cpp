// `umbra dump frames`: reads a `--rtp-dump` capture and says, per stream, what the router could
// see — reassembled VP8 frames, plain or umbra-e2ee-v1 — and, given the session's secret, how
// many frames open. The proof behind docs/security.md "How to check what the router sees".
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/dump_frames.h"
#include "cli/dump_pcap.h"
#include "cli/hex_io.h"
#include "cli/options.h"

namespace umbra::cli {

namespace {

constexpr std::string_view kHelp =
    "Usage: umbra dump frames --pcap FILE [--secret S --session ID] [--payload-type PT[=vp8|opus]]...\n"
    "                         [--json] [--allow-truncated]\n\n"
    "Reads a capture written by `umbra serve --rtp-dump DIR` (pcap, raw IPv4/UDP, RTP after SRTP),\n"
    "groups the RTP packets by SSRC, reassembles VP8 frames (RFC 7741) and prints one line per stream:\n\n"
    "  ssrc=0x... pt=96 kind=video packets=N frames=N incomplete=N key_frames=N plain_vp8=N\n"
    "  plain_key_frames=N sframe=N kids=N key_size=WxH [opened=N failed=N]\n\n"
    "frames counts complete frames only (no sequence gap; audio: one per packet). plain_vp8 counts\n"
    "frames with a well-formed VP8 header that are not umbra-e2ee-v1; sframe counts frames with an\n"
    "SFrame header after the clear prefix under a KID that recurs in the stream. With --secret and\n"
    "--session, opened/failed count the frames that do or do not open under umbra-e2ee-v1.\n\n"
    "Options:\n"
    "  --pcap FILE              the capture\n"
    "  --secret S               the session's encryption secret (optional; needs --session)\n"
    "  --session ID             the session id (optional; needs --secret)\n"
    "  --payload-type PT[=C]    analyse payload type PT as codec C (vp8, the default, or opus);\n"
    "                           repeatable; without it each stream's codec is detected\n"
    "  --json                   one JSON object instead of lines\n"
    "  --allow-truncated        a capture cut inside a record (a router killed before it flushed):\n"
    "                           read the records before the cut instead of failing\n\n"
    "The exit status is 0 when the capture parsed (the counts say the result), 1 otherwise.\n";

struct DumpArgs {
  std::string pcap;
  std::optional<std::string> secret;
  std::optional<std::string> session;
  std::vector<PayloadTypeHint> payload_types;
  bool json = false;
  bool allow_truncated = false;
};

Result<PayloadTypeHint, std::string> parse_payload_type(std::string_view text) {
  PayloadTypeHint hint;
  std::string_view number = text;
  if (const auto eq = text.find('='); eq != std::string_view::npos) {
    number = text.substr(0, eq);
    const auto codec = e2ee::parse_codec(text.substr(eq + 1));
    if (!codec) return err("--payload-type codec must be vp8 or opus, got '" + std::string(text) + "'");
    hint.codec = *codec;
  }
  const auto pt = parse_uint("payload-type", number, 127);
  if (!pt) return err(pt.error());
  hint.payload_type = static_cast<std::uint8_t>(*pt);
  return hint;
}

Result<DumpArgs, std::string> parse_args(Args args) {
  DumpArgs out;
  bool have_pcap = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    if (!name.starts_with("--")) return err("unexpected argument '" + std::string(name) + "'");
    name.remove_prefix(2);
    if (name == "json") {
      out.json = true;
      continue;
    }
    if (name == "allow-truncated") {
      out.allow_truncated = true;
      continue;
    }
    std::optional<std::string_view> value;
    if (const auto eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name != "pcap" && name != "secret" && name != "session" && name != "payload-type") {
      return err("unknown option --" + std::string(name));
    }
    if (!value) {
      if (i + 1 >= args.size()) return err("option --" + std::string(name) + " needs a value");
      value = args[++i];
    }
    if (name == "pcap") {
      out.pcap = std::string(*value);
      have_pcap = true;
    } else if (name == "secret") {
      out.secret = std::string(*value);
    } else if (name == "session") {
      out.session = std::string(*value);
    } else {
      const auto hint = parse_payload_type(*value);
      if (!hint) return err(hint.error());
      out.payload_types.push_back(*hint);
    }
  }
  if (!have_pcap) return err(std::string("missing option --pcap"));
  if (out.secret.has_value() != out.session.has_value()) {
    return err(std::string("--secret and --session go together (the session id salts the key)"));
  }
  return out;
}

Result<Bytes, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return err("cannot open " + path);
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return err("cannot read " + path);
  return data;
}

std::string_view kind_name(StreamKind kind) {
  switch (kind) {
    case StreamKind::kVideo: return "video";
    case StreamKind::kAudio: return "audio";
    case StreamKind::kUnknown: break;
  }
  return "unknown";
}

std::string hex_ssrc(std::uint32_t ssrc) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) text.push_back(kDigits[(ssrc >> shift) & 0xf]);
  return text;
}

std::string as_lines(const std::string& path, const PcapContents& pcap, const DumpReport& report) {
  std::string out =
      "pcap=" + path + " records=" + std::to_string(pcap.records) +
      " udp=" + std::to_string(pcap.datagrams.size()) + " skipped=" + std::to_string(pcap.skipped) +
      " rtp=" + std::to_string(report.rtp_packets) + " not_rtp=" + std::to_string(report.not_rtp) +
      " streams=" + std::to_string(report.streams.size()) + (pcap.truncated ? " truncated=1" : "") + "\n";
  for (const StreamReport& s : report.streams) {
    out += "ssrc=" + hex_ssrc(s.ssrc) + " pt=" + std::to_string(s.payload_type) +
           " kind=" + std::string(kind_name(s.kind)) + " packets=" + std::to_string(s.packets);
    if (s.kind != StreamKind::kUnknown) {
      out += " frames=" + std::to_string(s.frames) + " incomplete=" + std::to_string(s.incomplete) +
             " key_frames=" + std::to_string(s.key_frames) + " plain_vp8=" + std::to_string(s.plain_vp8) +
             " plain_key_frames=" + std::to_string(s.plain_key_frames) +
             " sframe=" + std::to_string(s.sframe) + " kids=" + std::to_string(s.kids);
      if (s.kind == StreamKind::kVideo) {
        out += " key_size=" + (s.width ? std::to_string(*s.width) + "x" + std::to_string(*s.height) : "-");
      }
    }
    if (s.tried_open) out += " opened=" + std::to_string(s.opened) + " failed=" + std::to_string(s.failed);
    out += "\n";
  }
  return out;
}

std::string as_json(const std::string& path, const PcapContents& pcap, const DumpReport& report) {
  const auto optional = [](bool present, auto value) -> nlohmann::json {
    return present ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  nlohmann::json streams = nlohmann::json::array();
  for (const StreamReport& s : report.streams) {
    streams.push_back({{"ssrc", s.ssrc},
                       {"payload_type", s.payload_type},
                       {"kind", kind_name(s.kind)},
                       {"packets", s.packets},
                       {"frames", s.frames},
                       {"incomplete", s.incomplete},
                       {"key_frames", s.key_frames},
                       {"plain_vp8", s.plain_vp8},
                       {"plain_key_frames", s.plain_key_frames},
                       {"sframe", s.sframe},
                       {"kids", s.kids},
                       {"width", optional(s.width.has_value(), s.width.value_or(0))},
                       {"height", optional(s.height.has_value(), s.height.value_or(0))},
                       {"opened", optional(s.tried_open, s.opened)},
                       {"failed", optional(s.tried_open, s.failed)}});
  }
  const nlohmann::json out = {{"pcap", path},
                              {"records", pcap.records},
                              {"udp", pcap.datagrams.size()},
                              {"skipped", pcap.skipped},
                              {"rtp", report.rtp_packets},
                              {"not_rtp", report.not_rtp},
                              {"truncated", pcap.truncated},
                              {"streams", std::move(streams)}};
  return out.dump() + "\n";
}

int frames(Args args) {
  for (const std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") return write_text(stdout, kHelp) ? 0 : 1;
  }
  const auto parsed = parse_args(args);
  if (!parsed) return fail(parsed.error() + " (see `umbra dump frames --help`)");

  DumpOptions options;
  options.payload_types = parsed->payload_types;
  if (parsed->secret) {
    auto secret = e2ee::SessionSecret::derive(*parsed->secret, *parsed->session);
    if (!secret)
      return fail(std::string(e2ee::to_string(secret.error())) + " (8 to 256 characters of UTF-8)");
    options.secret = *secret;
  }
  const auto file = read_file(parsed->pcap);
  if (!file) return fail(file.error());
  const auto pcap = parse_pcap(*file, parsed->allow_truncated);
  if (!pcap) return fail(parsed->pcap + ": " + pcap.error());

  std::vector<ByteSpan> payloads;
  payloads.reserve(pcap->datagrams.size());
  for (const UdpDatagram& datagram : pcap->datagrams) payloads.push_back(datagram.payload);
  const DumpReport report = analyze_dump(payloads, options);
  const std::string text =
      parsed->json ? as_json(parsed->pcap, *pcap, report) : as_lines(parsed->pcap, *pcap, report);
  return write_text(stdout, text) ? 0 : 1;
}

}  // namespace

int run_dump(Args args) {
  constexpr std::string_view kGroupHelp =
      "Usage: umbra dump <action> [options]\n\n"
      "Inspect what the media router saw, from a `--rtp-dump` capture.\n\n"
      "Actions:\n"
      "  frames  reassemble each stream's frames: plain VP8, or umbra-e2ee-v1 (and do they open)\n\n"
      "Run `umbra dump frames --help` for its options.\n";
  if (args.empty()) {
    (void)write_text(stderr, kGroupHelp);
    return 1;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help")
    return write_text(stdout, kGroupHelp) ? 0 : 1;
  if (args[0] == "frames") return frames(args.subspan(1));
  return fail("unknown action '" + std::string(args[0]) + "' for `umbra dump` (see `umbra dump --help`)");
}

}  // namespace umbra::cli
