#include "rtc/dtls/datagram_bio.h"

#include <openssl/bio.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace umbra::rtc::dtls {
namespace {

std::deque<Bytes>* queue_of(BIO* bio) {
  return static_cast<std::deque<Bytes>*>(BIO_get_data(bio));
}

int datagram_write(BIO* bio, const char* data, int len) {
  BIO_clear_retry_flags(bio);
  if (len < 0) return -1;
  const auto* p = reinterpret_cast<const std::uint8_t*>(data);
  queue_of(bio)->emplace_back(p, p + len);
  return len;
}

int datagram_read(BIO* bio, char* out, int size) {
  BIO_clear_retry_flags(bio);
  auto* queue = queue_of(bio);
  if (queue->empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  Bytes datagram = std::move(queue->front());
  queue->pop_front();
  // Like recv() on a UDP socket: a datagram larger than the buffer is truncated, never split.
  const std::size_t n = std::min(datagram.size(), static_cast<std::size_t>(std::max(size, 0)));
  if (n > 0) std::memcpy(out, datagram.data(), n);
  return static_cast<int>(n);
}

long datagram_ctrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;  // nothing is buffered; OpenSSL treats <= 0 as a failed write
    case BIO_CTRL_PENDING: {
      const auto* queue = queue_of(bio);
      return queue->empty() ? 0 : static_cast<long>(queue->front().size());
    }
    // Everything else reports 0: nothing pending to write, and no IP/UDP header overhead
    // (BIO_CTRL_DGRAM_GET_MTU_OVERHEAD), since the MTU set on the SSL is already the UDP payload budget.
    default: return 0;
  }
}

int datagram_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* datagram_method() {
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "umbra datagram queue");
    if (m == nullptr || BIO_meth_set_write(m, datagram_write) != 1 ||
        BIO_meth_set_read(m, datagram_read) != 1 || BIO_meth_set_ctrl(m, datagram_ctrl) != 1 ||
        BIO_meth_set_create(m, datagram_create) != 1) {
      throw std::runtime_error("BIO_meth_new failed");
    }
    return m;
  }();
  return method;
}

}  // namespace

BIO* new_datagram_bio(std::deque<Bytes>* queue) {
  BIO* bio = BIO_new(datagram_method());
  if (bio == nullptr) throw std::runtime_error("BIO_new failed");
  BIO_set_data(bio, queue);
  return bio;
}

}  // namespace umbra::rtc::dtls
