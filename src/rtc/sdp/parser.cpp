#include "rtc/sdp/parser.h"

#include <charconv>
#include <limits>

#include "crypto/certificate.h"

namespace umbra::rtc::sdp {
namespace {

// Splits on single spaces; empty tokens (double spaces) are dropped.
std::vector<std::string_view> split(std::string_view s, char sep = ' ') {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto pos = s.find(sep);
    const auto token = s.substr(0, pos);
    if (!token.empty()) out.push_back(token);
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<Direction> direction_from(std::string_view s) {
  if (s == "sendrecv") return Direction::kSendRecv;
  if (s == "sendonly") return Direction::kSendOnly;
  if (s == "recvonly") return Direction::kRecvOnly;
  if (s == "inactive") return Direction::kInactive;
  return std::nullopt;
}

std::optional<Setup> setup_from(std::string_view s) {
  if (s == "actpass") return Setup::kActpass;
  if (s == "active") return Setup::kActive;
  if (s == "passive") return Setup::kPassive;
  if (s == "holdconn") return Setup::kHoldconn;
  return std::nullopt;
}

// RFC 8866 9: token characters (no spaces or control characters); enough to catch broken input.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

class Parser {
 public:
  Result<SessionDescription, SdpError> run(std::string_view text) {
    if (text.size() > kMaxSdpSize) return err(SdpError{0, "description too large"});
    std::size_t line_no = 0;
    bool seen_version = false;
    while (!text.empty()) {
      const auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      ++line_no;
      line_ = line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {
        if (text.empty()) break;  // a trailing line ending
        return fail("empty line");
      }
      if (line.size() < 2 || line[1] != '=') return fail("expected <type>=<value>");
      const char type = line[0];
      const std::string_view value = line.substr(2);
      if (!seen_version) {
        if (type != 'v' || value != "0") return fail("description must start with v=0");
        seen_version = true;
        continue;
      }
      if (auto r = handle(type, value); !r.ok()) return err(r.error());
    }
    if (!seen_version) return err(SdpError{0, "empty description"});
    if (!seen_origin_) return err(SdpError{0, "missing o= line"});
    return std::move(sdp_);
  }

 private:
  using Status = Result<void, SdpError>;

  Unexpected<SdpError> fail(std::string message) const { return err(SdpError{line_, std::move(message)}); }

  MediaDescription* media() { return sdp_.media.empty() ? nullptr : &sdp_.media.back(); }

  Status handle(char type, std::string_view value) {
    switch (type) {
      case 'v': return fail("repeated v= line");
      case 'o': return origin(value);
      case 's':
        if (media()) return fail("s= inside a media section");
        sdp_.session_name = std::string(value);
        return {};
      case 't':
        if (media()) return fail("t= inside a media section");
        sdp_.timing = std::string(value);
        return {};
      case 'c':
        if (split(value).size() != 3) return fail("malformed c= line");
        if (auto* m = media()) {
          m->connection = std::string(value);
        } else {
          sdp_.connection = std::string(value);
        }
        return {};
      case 'b':
        if (value.find(':') == std::string_view::npos) return fail("malformed b= line");
        if (auto* m = media()) m->bandwidths.emplace_back(value);
        return {};
      case 'm': return media_line(value);
      case 'a': return attribute(value);
      // Other types (i, u, e, p, r, z, k) carry nothing WebRTC needs.
      default:
        if (type < 'a' || type > 'z') return fail("unknown line type");
        return {};
    }
  }

  Status origin(std::string_view value) {
    if (seen_origin_ || media()) return fail("unexpected o= line");
    const auto t = split(value);
    if (t.size() != 6) return fail("o= needs six fields");
    const auto id = number<std::uint64_t>(t[1]);
    const auto version = number<std::uint64_t>(t[2]);
    if (!id || !version) return fail("o= session id and version must be numbers");
    sdp_.origin_username = std::string(t[0]);
    sdp_.session_id = *id;
    sdp_.session_version = *version;
    sdp_.origin_address = std::string(t[3]) + " " + std::string(t[4]) + " " + std::string(t[5]);
    seen_origin_ = true;
    return {};
  }

  Status media_line(std::string_view value) {
    const auto t = split(value);
    if (t.size() < 4) return fail("m= needs media, port, protocol and at least one format");
    MediaDescription m;
    m.kind = std::string(t[0]);
    if (!is_token(m.kind)) return fail("bad media type");
    // RFC 8866 5.14: "<port>/<number of ports>"; WebRTC never uses the count, so it is ignored.
    const auto port = number<std::uint16_t>(t[1].substr(0, t[1].find('/')));
    if (!port) return fail("bad port in m= line");
    m.port = *port;
    m.protocol = std::string(t[2]);
    const bool rtp = m.protocol.find("RTP/") != std::string::npos;
    for (std::size_t i = 3; i < t.size(); ++i) {
      m.formats.emplace_back(t[i]);
      if (rtp) {
        const auto pt = number<int>(t[i]);
        if (!pt || *pt < 0 || *pt > 127) return fail("bad payload type in m= line");
        for (const auto& c : m.codecs) {
          if (c.payload_type == *pt) return fail("payload type listed twice in m= line");
        }
        Codec c;
        c.payload_type = *pt;
        m.codecs.push_back(std::move(c));
      }
    }
    m.connection = sdp_.connection.value_or("IN IP4 0.0.0.0");
    sdp_.media.push_back(std::move(m));
    return {};
  }

  Codec* codec_for(std::string_view pt_text) {
    auto* m = media();
    const auto pt = number<int>(pt_text);
    if (m == nullptr || !pt) return nullptr;
    for (auto& c : m->codecs) {
      if (c.payload_type == *pt) return &c;
    }
    return nullptr;
  }

  Status attribute(std::string_view value) {
    const auto colon = value.find(':');
    const std::string_view name = value.substr(0, colon);
    const std::string_view arg =
        colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
    if (!is_token(name)) return fail("bad attribute name");
    MediaDescription* m = media();

    if (auto d = direction_from(name)) {
      if (m) m->direction = *d;
      return {};
    }
    if (name == "ice-ufrag" || name == "ice-pwd" || name == "ice-options") {
      if (arg.empty()) return fail(std::string(name) + " needs a value");
      std::string& target = name == "ice-ufrag" ? (m ? m->ice_ufrag : sdp_.ice_ufrag)
                            : name == "ice-pwd" ? (m ? m->ice_pwd : sdp_.ice_pwd)
                                                : (m ? m->ice_options : sdp_.ice_options);
      target = std::string(arg);
      return {};
    }
    if (name == "fingerprint") return fingerprint(arg, m ? m->fingerprint : sdp_.fingerprint);
    if (name == "setup") {
      const auto s = setup_from(arg);
      if (!s) return fail("bad a=setup value");
      (m ? m->setup : sdp_.setup) = *s;
      return {};
    }
    if (name == "extmap-allow-mixed") {
      (m ? m->extmap_allow_mixed : sdp_.extmap_allow_mixed) = true;
      return {};
    }
    if (m == nullptr) return session_attribute(name, arg);
    return media_attribute(*m, name, arg);
  }

  Status fingerprint(std::string_view arg, std::optional<Fingerprint>& out) {
    const auto t = split(arg);
    if (t.size() != 2 || !crypto::parse_fingerprint(t[1])) return fail("malformed a=fingerprint");
    out = Fingerprint{std::string(t[0]), std::string(t[1])};
    return {};
  }

  Status session_attribute(std::string_view name, std::string_view arg) {
    if (name == "ice-lite") {
      sdp_.ice_lite = true;
    } else if (name == "group") {
      const auto t = split(arg);
      if (t.empty()) return fail("a=group needs semantics");
      Group g{std::string(t[0]), {}};
      for (std::size_t i = 1; i < t.size(); ++i) g.mids.emplace_back(t[i]);
      sdp_.groups.push_back(std::move(g));
    } else if (name == "msid-semantic") {
      sdp_.msid_semantic = std::string(arg);
    } else {
      sdp_.other_attributes.emplace_back(name, arg);
    }
    return {};
  }

  Status media_attribute(MediaDescription& m, std::string_view name, std::string_view arg) {
    if (name == "mid") {
      if (!is_token(arg)) return fail("bad a=mid");
      m.mid = std::string(arg);
    } else if (name == "rtcp-mux") {
      m.rtcp_mux = true;
    } else if (name == "rtcp-mux-only") {
      m.rtcp_mux_only = true;
    } else if (name == "rtcp-rsize") {
      m.rtcp_rsize = true;
    } else if (name == "rtcp") {
      if (!number<std::uint16_t>(split(arg).empty() ? std::string_view{} : split(arg)[0])) {
        return fail("bad a=rtcp port");
      }
      m.rtcp = std::string(arg);
    } else if (name == "candidate") {
      // RFC 8839 5.1: foundation, component, transport, priority, address, port, "typ", type.
      const auto t = split(arg);
      if (t.size() < 8 || t[6] != "typ" || !number<std::uint16_t>(t[5])) return fail("malformed a=candidate");
      m.candidates.emplace_back(arg);
    } else if (name == "end-of-candidates") {
      m.end_of_candidates = true;
    } else if (name == "extmap") {
      return extmap(m, arg);
    } else if (name == "rtpmap") {
      return rtpmap(arg);
    } else if (name == "fmtp") {
      const auto sp = arg.find(' ');
      Codec* c = codec_for(arg.substr(0, sp));
      if (c == nullptr) return fail("a=fmtp for a payload type not in the m= line");
      c->fmtp = sp == std::string_view::npos ? std::string{} : std::string(arg.substr(sp + 1));
    } else if (name == "rtcp-fb") {
      return rtcp_fb(m, arg);
    } else if (name == "ssrc") {
      return ssrc(m, arg);
    } else if (name == "ssrc-group") {
      const auto t = split(arg);
      if (t.size() < 2 || !is_token(t[0])) return fail("malformed a=ssrc-group");
      SsrcGroup g{std::string(t[0]), {}};
      for (std::size_t i = 1; i < t.size(); ++i) {
        const auto s = number<std::uint32_t>(t[i]);
        if (!s) return fail("bad SSRC in a=ssrc-group");
        g.ssrcs.push_back(*s);
      }
      m.ssrc_groups.push_back(std::move(g));
    } else if (name == "msid") {
      const auto t = split(arg);
      if (t.empty() || t.size() > 2) return fail("malformed a=msid");
      m.msids.emplace_back(arg);
    } else if (name == "rid") {
      const auto t = split(arg);
      if (t.size() < 2 || (t[1] != "send" && t[1] != "recv") || !is_token(t[0]))
        return fail("malformed a=rid");
      Rid r{std::string(t[0]), t[1] == "send", {}};
      if (t.size() > 2) r.params = std::string(t[2]);
      m.rids.push_back(std::move(r));
    } else if (name == "simulcast") {
      return simulcast(m, arg);
    } else if (name == "sctp-port") {
      const auto p = number<std::uint16_t>(arg);
      if (!p) return fail("bad a=sctp-port");
      m.sctp_port = *p;
    } else if (name == "max-message-size") {
      const auto p = number<std::uint32_t>(arg);
      if (!p) return fail("bad a=max-message-size");
      m.max_message_size = *p;
    } else {
      m.other_attributes.emplace_back(name, arg);
    }
    return {};
  }

  Status extmap(MediaDescription& m, std::string_view arg) {
    const auto t = split(arg);
    if (t.size() < 2) return fail("malformed a=extmap");
    Extmap e;
    const auto slash = t[0].find('/');
    const auto id = number<int>(t[0].substr(0, slash));
    // RFC 8285 5: 1-14 for one-byte headers, up to 255 with two-byte headers; 15 is reserved.
    if (!id || *id < 1 || *id > 255 || *id == 15) return fail("bad a=extmap id");
    e.id = *id;
    if (slash != std::string_view::npos) {
      e.direction = direction_from(t[0].substr(slash + 1));
      if (!e.direction) return fail("bad a=extmap direction");
    }
    e.uri = std::string(t[1]);
    for (std::size_t i = 2; i < t.size(); ++i) {
      if (!e.attributes.empty()) e.attributes.push_back(' ');
      e.attributes.append(t[i]);
    }
    m.extmaps.push_back(std::move(e));
    return {};
  }

  Status rtpmap(std::string_view arg) {
    const auto t = split(arg);
    if (t.size() != 2) return fail("malformed a=rtpmap");
    Codec* c = codec_for(t[0]);
    if (c == nullptr) return fail("a=rtpmap for a payload type not in the m= line");
    const auto parts = split(t[1], '/');
    if (parts.size() < 2 || parts.size() > 3 || !is_token(parts[0]))
      return fail("malformed a=rtpmap encoding");
    const auto rate = number<std::uint32_t>(parts[1]);
    if (!rate || *rate == 0) return fail("bad clock rate in a=rtpmap");
    c->name = std::string(parts[0]);
    c->clock_rate = *rate;
    if (parts.size() == 3) {
      const auto ch = number<int>(parts[2]);
      if (!ch || *ch < 1 || *ch > 255) return fail("bad channel count in a=rtpmap");
      c->channels = *ch;
    }
    return {};
  }

  Status rtcp_fb(MediaDescription& m, std::string_view arg) {
    const auto sp = arg.find(' ');
    if (sp == std::string_view::npos || sp + 1 >= arg.size()) return fail("malformed a=rtcp-fb");
    const std::string fb(arg.substr(sp + 1));
    // RFC 4585 4.2: "*" applies the feedback type to every payload type.
    if (arg.substr(0, sp) == "*") {
      for (auto& c : m.codecs) c.rtcp_fb.push_back(fb);
      return {};
    }
    Codec* c = codec_for(arg.substr(0, sp));
    if (c == nullptr) return fail("a=rtcp-fb for a payload type not in the m= line");
    c->rtcp_fb.push_back(fb);
    return {};
  }

  Status ssrc(MediaDescription& m, std::string_view arg) {
    const auto sp = arg.find(' ');
    const auto id = number<std::uint32_t>(arg.substr(0, sp));
    if (!id || sp == std::string_view::npos) return fail("malformed a=ssrc");
    const std::string_view attr = arg.substr(sp + 1);
    const auto colon = attr.find(':');
    const std::string_view key = attr.substr(0, colon);
    const std::string_view val =
        colon == std::string_view::npos ? std::string_view{} : attr.substr(colon + 1);
    if (!is_token(key)) return fail("malformed a=ssrc attribute");
    SsrcInfo* info = nullptr;
    for (auto& s : m.ssrcs) {
      if (s.ssrc == *id) info = &s;
    }
    if (info == nullptr) {
      m.ssrcs.push_back(SsrcInfo{*id, {}, {}});
      info = &m.ssrcs.back();
    }
    if (key == "cname") info->cname = std::string(val);
    if (key == "msid") info->msid = std::string(val);
    return {};
  }

  Status simulcast(MediaDescription& m, std::string_view arg) {
    const auto t = split(arg);
    if (t.size() != 2 && t.size() != 4) return fail("malformed a=simulcast");
    Simulcast sim;
    for (std::size_t i = 0; i < t.size(); i += 2) {
      if (t[i] != "send" && t[i] != "recv") return fail("a=simulcast direction must be send or recv");
      auto& target = t[i] == "send" ? sim.send : sim.recv;
      if (!target.empty()) return fail("repeated a=simulcast direction");
      for (auto stream_text : split(t[i + 1], ';')) {
        SimulcastStream stream;
        for (auto alt : split(stream_text, ',')) {
          SimulcastRid rid;
          if (alt.front() == '~') {
            rid.paused = true;
            alt.remove_prefix(1);
          }
          if (!is_token(alt)) return fail("bad rid in a=simulcast");
          rid.rid = std::string(alt);
          stream.push_back(std::move(rid));
        }
        if (stream.empty()) return fail("empty stream in a=simulcast");
        target.push_back(std::move(stream));
      }
      if (target.empty()) return fail("empty a=simulcast list");
    }
    m.simulcast = std::move(sim);
    return {};
  }

  SessionDescription sdp_;
  std::size_t line_ = 0;
  bool seen_origin_ = false;
};

}  // namespace

std::string to_string(const SdpError& e) {
  if (e.line == 0) return e.message;
  return "line " + std::to_string(e.line) + ": " + e.message;
}

Result<SessionDescription, SdpError> parse(std::string_view text) {
  return Parser().run(text);
}

}  // namespace umbra::rtc::sdp
