#include "rtc/srtp/gcm_transform.h"

#include <cstring>
#include <stdexcept>

#include "crypto/cipher.h"

namespace umbra::rtc::srtp {
namespace {

constexpr std::size_t kKeySize = 16;
constexpr std::size_t kSaltSize = 12;
constexpr std::size_t kRtpHeaderSize = 12;
constexpr std::size_t kRtcpHeaderSize = 8;
constexpr std::size_t kRtcpTrailerSize = 4;  // E flag || 31-bit SRTCP index
constexpr std::uint32_t kEncryptedFlag = 0x80000000u;
constexpr std::uint32_t kMaxSrtcpIndex = 0x7fffffffu;

// RFC 3711 4.3.1 key derivation labels.
enum Label : std::uint8_t {
  kRtpEncryption = 0x00,
  kRtpSalt = 0x02,
  kRtcpEncryption = 0x03,
  kRtcpSalt = 0x05,
};

// RFC 3711 4.3.3 AES-CM PRF with key_derivation_rate 0: keystream under the master key with
// IV = (master_salt XOR label << 48) * 2^16. RFC 7714 12 keeps this KDF for GCM; its 96-bit master salt
// is used as the leading bytes of the 112-bit salt input (the trailing 16 bits are zero).
Bytes derive(const crypto::AesCtr& prf, ByteSpan master_salt, Label label, std::size_t length) {
  std::uint8_t iv[16] = {};
  std::memcpy(iv, master_salt.data(), master_salt.size());
  iv[7] ^= label;
  Bytes zeros(length);
  Bytes out(length);
  if (!prf.apply(iv, zeros, out)) throw std::runtime_error("SRTP key derivation failed");
  return out;
}

// RTP header length including CSRCs and the header extension (RFC 3550 5.1, 5.3.1), or 0 if the packet
// is too short to hold it.
std::size_t rtp_header_size(ByteSpan packet) {
  if (packet.size() < kRtpHeaderSize) return 0;
  std::size_t size = kRtpHeaderSize + std::size_t{4} * (packet[0] & 0x0fu);
  if (packet[0] & 0x10u) {
    if (packet.size() < size + 4) return 0;
    size += 4 + std::size_t{4} * load_be16(packet.data() + size + 2);
  }
  return size <= packet.size() ? size : 0;
}

// RFC 3711 3.3.1 / Appendix A: the packet index whose low 16 bits are `seq` closest to the highest seen.
// Returns false for an index that would be negative (a packet from before the stream started).
bool estimate_index(const ReplayWindow& window, std::uint16_t seq, std::uint64_t& index) {
  if (!window.started()) {
    index = seq;
    return true;
  }
  const std::uint64_t roc = window.highest() >> 16;
  const std::uint16_t s_l = static_cast<std::uint16_t>(window.highest());
  std::uint64_t v = roc;
  if (s_l < 0x8000) {
    if (seq > s_l && seq - s_l > 0x8000) {
      if (roc == 0) return false;
      v = roc - 1;
    }
  } else if (s_l - 0x8000 > seq) {
    v = roc + 1;
  }
  index = (v << 16) | seq;
  return true;
}

// RFC 7714 8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt.
void rtp_iv(const std::uint8_t* salt, std::uint32_t ssrc, std::uint64_t index, std::uint8_t* iv) {
  std::memset(iv, 0, 12);
  store_be32(iv + 2, ssrc);
  store_be32(iv + 6, static_cast<std::uint32_t>(index >> 16));
  store_be16(iv + 10, static_cast<std::uint16_t>(index));
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= salt[i];
}

// RFC 7714 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt.
void rtcp_iv(const std::uint8_t* salt, std::uint32_t ssrc, std::uint32_t index, std::uint8_t* iv) {
  std::memset(iv, 0, 12);
  store_be32(iv + 2, ssrc);
  store_be32(iv + 8, index & kMaxSrtcpIndex);
  for (std::size_t i = 0; i < 12; ++i) iv[i] ^= salt[i];
}

}  // namespace

struct GcmTransform::SessionKeys {
  Bytes rtp_key;
  Bytes rtp_salt;
  Bytes rtcp_key;
  Bytes rtcp_salt;
};

GcmTransform::GcmTransform(Direction direction, ByteSpan key_and_salt)
    : GcmTransform(direction, [&] {
        if (key_and_salt.size() != kKeySize + kSaltSize) {
          throw std::invalid_argument("GcmTransform: master key and salt must be 28 bytes");
        }
        const crypto::AesCtr prf(key_and_salt.first(kKeySize));
        const ByteSpan salt = key_and_salt.subspan(kKeySize);
        return SessionKeys{
            derive(prf, salt, kRtpEncryption, kKeySize), derive(prf, salt, kRtpSalt, kSaltSize),
            derive(prf, salt, kRtcpEncryption, kKeySize), derive(prf, salt, kRtcpSalt, kSaltSize)};
      }()) {}

GcmTransform::GcmTransform(Direction direction, const SessionKeys& keys)
    : direction_(direction), rtp_cipher_(keys.rtp_key), rtcp_cipher_(keys.rtcp_key) {
  std::memcpy(rtp_salt_, keys.rtp_salt.data(), kSaltSize);
  std::memcpy(rtcp_salt_, keys.rtcp_salt.data(), kSaltSize);
}

Result<std::size_t, SrtpError> GcmTransform::protect_rtp(MutableByteSpan buffer, std::size_t length) {
  if (length > buffer.size()) return err(SrtpError::kMalformed);
  const ByteSpan packet = buffer.first(length);
  const std::size_t header = rtp_header_size(packet);
  if (header == 0) return err(SrtpError::kMalformed);
  if (buffer.size() - length < kTagSize) return err(SrtpError::kBufferTooSmall);
  const std::uint16_t seq = load_be16(packet.data() + 2);
  const std::uint32_t ssrc = load_be32(packet.data() + 8);

  auto& stream = rtp_streams_[ssrc];
  std::uint64_t index = 0;
  if (!estimate_index(stream.window, seq, index)) index = seq;
  std::uint8_t iv[12];
  rtp_iv(rtp_salt_, ssrc, index, iv);
  const std::size_t payload = length - header;
  if (!rtp_cipher_.seal(iv, packet.first(header), packet.subspan(header, payload),
                        buffer.subspan(header, payload + kTagSize))) {
    return err(SrtpError::kFailed);
  }
  // Re-sending an old packet (NACK without RTX) is fine: its index is recomputed, not advanced.
  if (!stream.window.started() || index > stream.window.highest()) stream.window.accept(index);
  return length + kTagSize;
}

Result<std::size_t, SrtpError> GcmTransform::unprotect_rtp(MutableByteSpan packet) {
  const std::size_t header = rtp_header_size(packet);
  if (header == 0 || packet.size() < header + kTagSize) return err(SrtpError::kMalformed);
  const std::uint16_t seq = load_be16(packet.data() + 2);
  const std::uint32_t ssrc = load_be32(packet.data() + 8);

  const auto it = rtp_streams_.find(ssrc);
  static const ReplayWindow fresh_window;
  const ReplayWindow& window = it == rtp_streams_.end() ? fresh_window : it->second.window;
  std::uint64_t index = 0;
  if (!estimate_index(window, seq, index)) return err(SrtpError::kReplay);
  switch (window.check(index)) {
    case ReplayWindow::Verdict::kNew: break;
    case ReplayWindow::Verdict::kReplayed:
    case ReplayWindow::Verdict::kTooOld: return err(SrtpError::kReplay);
  }
  std::uint8_t iv[12];
  rtp_iv(rtp_salt_, ssrc, index, iv);
  const std::size_t sealed = packet.size() - header;
  if (!rtp_cipher_.open(iv, packet.first(header), packet.subspan(header, sealed), packet.subspan(header))) {
    return err(SrtpError::kAuthFailed);
  }
  // Only an authentic packet creates stream state or moves the window.
  rtp_streams_[ssrc].window.accept(index);
  return packet.size() - kTagSize;
}

Result<std::size_t, SrtpError> GcmTransform::protect_rtcp(MutableByteSpan buffer, std::size_t length) {
  if (length < kRtcpHeaderSize || length > buffer.size()) return err(SrtpError::kMalformed);
  if (buffer.size() - length < kTagSize + kRtcpTrailerSize) return err(SrtpError::kBufferTooSmall);
  const std::uint32_t ssrc = load_be32(buffer.data() + 4);
  auto& stream = rtcp_streams_[ssrc];
  if (stream.next_index > kMaxSrtcpIndex) return err(SrtpError::kFailed);  // RFC 3711 3.3.1: rekey needed
  const std::uint32_t index = stream.next_index++;

  // RFC 7714 9: AAD = first 8 header octets || E || SRTCP index; the trailer follows the tag.
  const std::uint32_t e_and_index = kEncryptedFlag | index;
  std::uint8_t aad[kRtcpHeaderSize + kRtcpTrailerSize];
  std::memcpy(aad, buffer.data(), kRtcpHeaderSize);
  store_be32(aad + kRtcpHeaderSize, e_and_index);
  std::uint8_t iv[12];
  rtcp_iv(rtcp_salt_, ssrc, index, iv);
  const std::size_t payload = length - kRtcpHeaderSize;
  if (!rtcp_cipher_.seal(iv, aad, buffer.subspan(kRtcpHeaderSize, payload),
                         buffer.subspan(kRtcpHeaderSize, payload + kTagSize))) {
    return err(SrtpError::kFailed);
  }
  store_be32(buffer.data() + length + kTagSize, e_and_index);
  return length + kTagSize + kRtcpTrailerSize;
}

Result<std::size_t, SrtpError> GcmTransform::unprotect_rtcp(MutableByteSpan packet) {
  if (packet.size() < kRtcpHeaderSize + kTagSize + kRtcpTrailerSize) return err(SrtpError::kMalformed);
  const std::size_t trailer_at = packet.size() - kRtcpTrailerSize;
  const std::uint32_t e_and_index = load_be32(packet.data() + trailer_at);
  // WebRTC always encrypts SRTCP; an authenticated-only packet (E = 0) is not something we accept.
  if ((e_and_index & kEncryptedFlag) == 0) return err(SrtpError::kMalformed);
  const std::uint32_t index = e_and_index & kMaxSrtcpIndex;
  const std::uint32_t ssrc = load_be32(packet.data() + 4);

  const auto it = rtcp_streams_.find(ssrc);
  if (it != rtcp_streams_.end() && it->second.window.check(index) != ReplayWindow::Verdict::kNew) {
    return err(SrtpError::kReplay);
  }
  std::uint8_t aad[kRtcpHeaderSize + kRtcpTrailerSize];
  std::memcpy(aad, packet.data(), kRtcpHeaderSize);
  store_be32(aad + kRtcpHeaderSize, e_and_index);
  std::uint8_t iv[12];
  rtcp_iv(rtcp_salt_, ssrc, index, iv);
  const std::size_t sealed = trailer_at - kRtcpHeaderSize;
  if (!rtcp_cipher_.open(iv, aad, packet.subspan(kRtcpHeaderSize, sealed), packet.subspan(kRtcpHeaderSize))) {
    return err(SrtpError::kAuthFailed);
  }
  rtcp_streams_[ssrc].window.accept(index);
  return trailer_at - kTagSize;
}

}  // namespace umbra::rtc::srtp
