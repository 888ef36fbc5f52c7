#include "rtc/dtls/dtls_transport.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "crypto/certificate.h"
#include "rtc/dtls/datagram_bio.h"

namespace umbra::rtc::dtls {
namespace {

// RFC 5705 / RFC 5764 4.2: the exporter label for DTLS-SRTP keying material.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

std::optional<srtp::Profile> profile_from_openssl(const SRTP_PROTECTION_PROFILE* p) {
  if (p == nullptr) return std::nullopt;
  switch (p->id) {
    case SRTP_AEAD_AES_128_GCM: return srtp::Profile::kAeadAes128Gcm;
    case SRTP_AES128_CM_SHA1_80: return srtp::Profile::kAes128CmHmacSha1_80;
    default: return std::nullopt;
  }
}

}  // namespace

void DtlsTransport::SslFree::operator()(SSL* ssl) const {
  SSL_free(ssl);
}

DtlsTransport::DtlsTransport(std::shared_ptr<const DtlsContext> context, Config config)
    : context_(std::move(context)), config_(config) {
  if (!context_) throw std::invalid_argument("DtlsTransport: no context");
  ssl_.reset(SSL_new(context_->native()));
  if (!ssl_) throw std::runtime_error("DtlsTransport: SSL_new failed");
  SSL* ssl = ssl_.get();
  SSL_set_app_data(ssl, this);
  // The SSL owns both BIOs from here on; they borrow our queues, which outlive the SSL (members
  // destroyed after ssl_ is reset in the destructor).
  SSL_set_bio(ssl, new_datagram_bio(&incoming_), new_datagram_bio(&outgoing_));
  if (config_.role == Role::kClient) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
  SSL_set_mtu(ssl, static_cast<long>(config_.mtu));
  DTLS_set_link_mtu(ssl, static_cast<long>(config_.mtu));
  DTLS_set_timer_cb(ssl, &DtlsTransport::on_timer);
  SSL_set_info_callback(ssl, &DtlsTransport::on_info);
  // Browsers use self-signed certificates; RFC 5763 5 makes the SDP fingerprint the identity, so the
  // verify callback decides on the fingerprint alone. The server must ask for the client's certificate.
  SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &DtlsTransport::on_verify);
}

DtlsTransport::~DtlsTransport() {
  ssl_.reset();
}

void DtlsTransport::set_remote_fingerprint(crypto::Hash hash, Bytes digest) {
  remote_fingerprint_ = RemoteFingerprint{hash, std::move(digest)};
}

int DtlsTransport::on_verify(int /*preverify_ok*/, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl == nullptr ? nullptr : static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  if (self == nullptr) return 0;
  // Only the leaf is identified by the fingerprint; anything the peer chains above it is irrelevant.
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  if (self->peer_matches_fingerprint(X509_STORE_CTX_get_current_cert(store))) return 1;
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

bool DtlsTransport::peer_matches_fingerprint(X509* cert) {
  if (!remote_fingerprint_) {
    verify_failure_ = "no remote fingerprint set before the peer's certificate arrived";
    return false;
  }
  if (cert == nullptr) {
    verify_failure_ = "peer sent no certificate";
    return false;
  }
  const Bytes actual = crypto::certificate_fingerprint(cert, remote_fingerprint_->hash);
  const Bytes& expected = remote_fingerprint_->digest;
  if (actual.size() != expected.size() || CRYPTO_memcmp(actual.data(), expected.data(), actual.size()) != 0) {
    verify_failure_ = "peer certificate fingerprint " + crypto::format_fingerprint(actual) +
                      " does not match the SDP fingerprint " + crypto::format_fingerprint(expected);
    return false;
  }
  return true;
}

unsigned int DtlsTransport::on_timer(SSL* ssl, unsigned int previous_us) {
  const auto* self = static_cast<const DtlsTransport*>(SSL_get_app_data(ssl));
  const auto initial =
      std::chrono::duration_cast<std::chrono::microseconds>(self->config_.initial_retransmit);
  const auto max = std::chrono::duration_cast<std::chrono::microseconds>(self->config_.max_retransmit);
  // RFC 6347 4.2.4.1: double on every expiry, with a cap. OpenSSL gives up by itself after 12 expiries.
  const auto next = previous_us == 0 ? initial.count() : std::min<long long>(2LL * previous_us, max.count());
  return static_cast<unsigned int>(std::max<long long>(next, 1));
}

void DtlsTransport::on_info(const SSL* ssl, int where, int value) {
  // A fatal alert from the peer is the clearest failure reason there is (e.g. it rejected our
  // certificate because our SDP fingerprint did not reach it intact).
  if ((where & SSL_CB_READ_ALERT) == 0 || (value >> 8) != SSL3_AL_FATAL) return;
  auto* self = static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  if (self != nullptr)
    self->peer_alert_ = std::string("peer sent fatal alert: ") + SSL_alert_desc_string_long(value);
}

void DtlsTransport::start(TimePoint now) {
  if (state_ != State::kNew) return;
  state_ = State::kConnecting;
  drive(now);
}

void DtlsTransport::handle_datagram(ByteSpan datagram, TimePoint now) {
  // An empty read would look like end-of-file to OpenSSL; an empty datagram carries no record anyway.
  if (datagram.empty() || state_ == State::kFailed || state_ == State::kClosed) return;
  if (state_ == State::kNew) {
    if (config_.role == Role::kClient) return;  // a client speaks first; nothing can be for us yet
    state_ = State::kConnecting;
  }
  incoming_.emplace_back(datagram.begin(), datagram.end());
  drive(now);
}

void DtlsTransport::handle_timeout(TimePoint now) {
  if (state_ != State::kConnecting || !timeout_ || now < *timeout_) return;
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_.get()) < 0) {
    fail(openssl_failure_reason("handshake timed out"));
    return;
  }
  update_timeout(now);
}

void DtlsTransport::close() {
  if (state_ == State::kConnected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // queues close_notify; we do not wait for the peer's
  }
  if (state_ != State::kFailed) state_ = State::kClosed;
  timeout_.reset();
}

void DtlsTransport::drive(TimePoint now) {
  SSL* ssl = ssl_.get();
  if (state_ == State::kConnecting) {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
      finish_handshake();
    } else {
      const int e = SSL_get_error(ssl, r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        fail(openssl_failure_reason("handshake failed"));
        return;
      }
    }
  }
  if (state_ == State::kConnected) {
    // After the handshake the only DTLS traffic we expect is a retransmitted final flight (answered
    // inside SSL_read) and close_notify. Application data has no consumer here and is discarded.
    std::uint8_t buf[2048];
    while (true) {
      ERR_clear_error();
      const int n = SSL_read(ssl, buf, sizeof(buf));
      if (n > 0) continue;
      const int e = SSL_get_error(ssl, n);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
      if (e == SSL_ERROR_ZERO_RETURN) {
        state_ = State::kClosed;
        events_.emplace_back(Closed{});
      } else {
        fail(openssl_failure_reason("connection failed"));
      }
      break;
    }
    incoming_.clear();
  }
  update_timeout(now);
}

void DtlsTransport::finish_handshake() {
  SSL* ssl = ssl_.get();
  // The verify callback has already run; checking again here means no path into kConnected skips it.
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || !peer_matches_fingerprint(peer)) {
    fail(verify_failure_.empty() ? "peer certificate not verified" : verify_failure_);
    return;
  }
  const auto profile = profile_from_openssl(SSL_get_selected_srtp_profile(ssl));
  if (!profile) {
    fail("peer did not negotiate a supported use_srtp profile");
    return;
  }
  // RFC 5764 4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
  const std::size_t key_len = srtp::master_key_size(*profile);
  const std::size_t salt_len = srtp::master_salt_size(*profile);
  Bytes material(2 * (key_len + salt_len));
  if (SSL_export_keying_material(ssl, material.data(), material.size(), kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    fail(openssl_failure_reason("exporting SRTP keying material failed"));
    return;
  }
  const auto at = [&](std::size_t offset, std::size_t len) {
    return ByteSpan(material).subspan(offset, len);
  };
  Bytes client_key;
  Bytes server_key;
  for (ByteSpan part : {at(0, key_len), at(2 * key_len, salt_len)})
    client_key.insert(client_key.end(), part.begin(), part.end());
  for (ByteSpan part : {at(key_len, key_len), at(2 * key_len + salt_len, salt_len)}) {
    server_key.insert(server_key.end(), part.begin(), part.end());
  }
  OPENSSL_cleanse(material.data(), material.size());

  Connected connected{*profile, {}, {}};
  if (config_.role == Role::kClient) {
    connected.local_key = std::move(client_key);
    connected.remote_key = std::move(server_key);
  } else {
    connected.local_key = std::move(server_key);
    connected.remote_key = std::move(client_key);
  }
  state_ = State::kConnected;
  events_.emplace_back(std::move(connected));
}

std::string DtlsTransport::openssl_failure_reason(const char* fallback) {
  if (!verify_failure_.empty()) return verify_failure_;
  if (!peer_alert_.empty()) {
    ERR_clear_error();
    return peer_alert_;
  }
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return std::string(fallback) + ": " + buf;
}

void DtlsTransport::fail(std::string reason) {
  if (state_ == State::kFailed) return;
  state_ = State::kFailed;
  timeout_.reset();
  incoming_.clear();
  events_.emplace_back(Failed{std::move(reason)});
}

void DtlsTransport::update_timeout(TimePoint now) {
  timeout_.reset();
  if (state_ != State::kConnecting && state_ != State::kConnected) return;
  timeval left{};
  if (DTLSv1_get_timeout(ssl_.get(), &left) == 1) {
    timeout_ = now + std::chrono::seconds(left.tv_sec) + std::chrono::microseconds(left.tv_usec);
  }
}

std::optional<Bytes> DtlsTransport::poll_datagram() {
  if (outgoing_.empty()) return std::nullopt;
  // One record per datagram, exactly as OpenSSL sends over a UDP socket. Packing records (allowed by
  // RFC 6347 4.1.1) was tried and dropped: when a timer-driven retransmission of an older flight lands
  // in the same datagram as the next flight, OpenSSL 3.0's receiver loses the rest of that datagram.
  Bytes datagram = std::move(outgoing_.front());
  outgoing_.pop_front();
  return datagram;
}

std::optional<DtlsEvent> DtlsTransport::poll_event() {
  if (events_.empty()) return std::nullopt;
  DtlsEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace umbra::rtc::dtls
