#include "rtc/sdp/session_description.h"

#include <charconv>

namespace umbra::rtc::sdp {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_.push_back(type);
    out_.push_back('=');
    out_.append(value);
    out_.append("\r\n");
  }
  void attr(std::string_view name) { line('a', name); }
  void attr(std::string_view name, std::string_view value) {
    std::string v(name);
    v.push_back(':');
    v.append(value);
    line('a', v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string simulcast_list(const std::vector<SimulcastStream>& streams) {
  std::string out;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (i != 0) out.push_back(';');
    for (std::size_t j = 0; j < streams[i].size(); ++j) {
      if (j != 0) out.push_back(',');
      if (streams[i][j].paused) out.push_back('~');
      out.append(streams[i][j].rid);
    }
  }
  return out;
}

void write_fingerprint(Writer& w, const std::optional<Fingerprint>& fp) {
  if (fp) w.attr("fingerprint", fp->algorithm + " " + fp->value);
}

void write_media(Writer& w, const MediaDescription& m) {
  std::string mline = m.kind + " " + std::to_string(m.port) + " " + m.protocol;
  for (const auto& f : m.formats) mline += " " + f;
  w.line('m', mline);
  w.line('c', m.connection);
  for (const auto& b : m.bandwidths) w.line('b', b);
  if (!m.rtcp.empty()) w.attr("rtcp", m.rtcp);
  for (const auto& c : m.candidates) w.attr("candidate", c);
  if (m.end_of_candidates) w.attr("end-of-candidates");
  if (!m.ice_ufrag.empty()) w.attr("ice-ufrag", m.ice_ufrag);
  if (!m.ice_pwd.empty()) w.attr("ice-pwd", m.ice_pwd);
  if (!m.ice_options.empty()) w.attr("ice-options", m.ice_options);
  write_fingerprint(w, m.fingerprint);
  if (m.setup) w.attr("setup", to_string(*m.setup));
  if (!m.mid.empty()) w.attr("mid", m.mid);
  for (const auto& e : m.extmaps) {
    std::string v = std::to_string(e.id);
    if (e.direction) v += "/" + std::string(to_string(*e.direction));
    v += " " + e.uri;
    if (!e.attributes.empty()) v += " " + e.attributes;
    w.attr("extmap", v);
  }
  if (m.extmap_allow_mixed) w.attr("extmap-allow-mixed");
  if (m.kind != "application") w.attr(to_string(m.direction));
  for (const auto& msid : m.msids) w.attr("msid", msid);
  if (m.rtcp_mux) w.attr("rtcp-mux");
  if (m.rtcp_mux_only) w.attr("rtcp-mux-only");
  if (m.rtcp_rsize) w.attr("rtcp-rsize");
  for (const auto& c : m.codecs) {
    const std::string pt = std::to_string(c.payload_type);
    if (!c.name.empty()) {
      std::string v = pt + " " + c.name + "/" + std::to_string(c.clock_rate);
      if (c.channels) v += "/" + std::to_string(*c.channels);
      w.attr("rtpmap", v);
    }
    for (const auto& fb : c.rtcp_fb) w.attr("rtcp-fb", std::string(pt).append(" ").append(fb));
    if (!c.fmtp.empty()) w.attr("fmtp", pt + " " + c.fmtp);
  }
  for (const auto& r : m.rids) {
    std::string v = r.id + (r.send ? " send" : " recv");
    if (!r.params.empty()) v += " " + r.params;
    w.attr("rid", v);
  }
  if (m.simulcast) {
    std::string v;
    if (!m.simulcast->send.empty()) v += "send " + simulcast_list(m.simulcast->send);
    if (!m.simulcast->recv.empty())
      v += std::string(v.empty() ? "" : " ") + "recv " + simulcast_list(m.simulcast->recv);
    w.attr("simulcast", v);
  }
  for (const auto& g : m.ssrc_groups) {
    std::string v = g.semantics;
    for (auto s : g.ssrcs) v += " " + std::to_string(s);
    w.attr("ssrc-group", v);
  }
  for (const auto& s : m.ssrcs) {
    const std::string id = std::to_string(s.ssrc);
    if (!s.cname.empty()) w.attr("ssrc", id + " cname:" + s.cname);
    if (!s.msid.empty()) w.attr("ssrc", id + " msid:" + s.msid);
  }
  if (m.sctp_port) w.attr("sctp-port", std::to_string(*m.sctp_port));
  if (m.max_message_size) w.attr("max-message-size", std::to_string(*m.max_message_size));
  for (const auto& [name, value] : m.other_attributes) {
    if (value.empty()) {
      w.attr(name);
    } else {
      w.attr(name, value);
    }
  }
}

}  // namespace

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::kSendRecv: return "sendrecv";
    case Direction::kSendOnly: return "sendonly";
    case Direction::kRecvOnly: return "recvonly";
    case Direction::kInactive: return "inactive";
  }
  return "sendrecv";
}

std::string_view to_string(Setup s) {
  switch (s) {
    case Setup::kActpass: return "actpass";
    case Setup::kActive: return "active";
    case Setup::kPassive: return "passive";
    case Setup::kHoldconn: return "holdconn";
  }
  return "actpass";
}

std::optional<std::string> Codec::fmtp_value(std::string_view key) const {
  std::string_view rest = fmtp;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    const std::string_view item = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    if (iequals(trim(item.substr(0, eq)), key)) return std::string(trim(item.substr(eq + 1)));
  }
  return std::nullopt;
}

std::optional<int> Codec::apt() const {
  const auto v = fmtp_value("apt");
  if (!v) return std::nullopt;
  int pt = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), pt);
  if (ec != std::errc{} || end != v->data() + v->size()) return std::nullopt;
  return pt;
}

bool Codec::is(std::string_view codec_name) const {
  return iequals(name, codec_name);
}

const Codec* MediaDescription::find_codec(int payload_type) const {
  for (const auto& c : codecs) {
    if (c.payload_type == payload_type) return &c;
  }
  return nullptr;
}

const Codec* MediaDescription::find_rtx_for(int payload_type) const {
  for (const auto& c : codecs) {
    if (c.is("rtx") && c.apt() == payload_type) return &c;
  }
  return nullptr;
}

std::optional<std::uint32_t> MediaDescription::rtx_ssrc_for(std::uint32_t primary) const {
  for (const auto& g : ssrc_groups) {
    if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[0] == primary) return g.ssrcs[1];
  }
  return std::nullopt;
}

const std::vector<std::string>* SessionDescription::bundle() const {
  for (const auto& g : groups) {
    if (g.semantics == "BUNDLE") return &g.mids;
  }
  return nullptr;
}

std::string SessionDescription::ice_ufrag_for(const MediaDescription& m) const {
  return m.ice_ufrag.empty() ? ice_ufrag : m.ice_ufrag;
}
std::string SessionDescription::ice_pwd_for(const MediaDescription& m) const {
  return m.ice_pwd.empty() ? ice_pwd : m.ice_pwd;
}
std::optional<Fingerprint> SessionDescription::fingerprint_for(const MediaDescription& m) const {
  return m.fingerprint ? m.fingerprint : fingerprint;
}
std::optional<Setup> SessionDescription::setup_for(const MediaDescription& m) const {
  return m.setup ? m.setup : setup;
}

std::string to_string(const SessionDescription& sdp) {
  Writer w;
  w.line('v', "0");
  w.line('o', sdp.origin_username + " " + std::to_string(sdp.session_id) + " " +
                  std::to_string(sdp.session_version) + " " + sdp.origin_address);
  w.line('s', sdp.session_name);
  if (sdp.connection) w.line('c', *sdp.connection);
  w.line('t', sdp.timing);
  if (sdp.ice_lite) w.attr("ice-lite");
  for (const auto& g : sdp.groups) {
    std::string v = g.semantics;
    for (const auto& mid : g.mids) v += " " + mid;
    w.attr("group", v);
  }
  if (sdp.extmap_allow_mixed) w.attr("extmap-allow-mixed");
  if (sdp.msid_semantic) w.attr("msid-semantic", *sdp.msid_semantic);
  if (!sdp.ice_ufrag.empty()) w.attr("ice-ufrag", sdp.ice_ufrag);
  if (!sdp.ice_pwd.empty()) w.attr("ice-pwd", sdp.ice_pwd);
  if (!sdp.ice_options.empty()) w.attr("ice-options", sdp.ice_options);
  write_fingerprint(w, sdp.fingerprint);
  if (sdp.setup) w.attr("setup", to_string(*sdp.setup));
  for (const auto& [name, value] : sdp.other_attributes) {
    if (value.empty()) {
      w.attr(name);
    } else {
      w.attr(name, value);
    }
  }
  for (const auto& m : sdp.media) write_media(w, m);
  return w.take();
}

}  // namespace umbra::rtc::sdp
