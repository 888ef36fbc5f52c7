// An OpenSSL BIO that keeps datagram boundaries, for running DTLS without a socket (sans-IO). OpenSSL's
// memory BIO is a byte stream: two records written back to back would come out as one blob, and two
// datagrams fed in would be read as one. DTLS cares (RFC 6347 4.1.1: records never span datagrams), so
// reads pop exactly one queued datagram and every write becomes one datagram.
#pragma once

#include <openssl/types.h>

#include <deque>

#include "common/bytes.h"

namespace umbra::rtc::dtls {

// The BIO borrows the queue; the queue must outlive it. Reading from an empty queue is a retryable
// "would block", never end-of-file, so OpenSSL waits for the next datagram.
BIO* new_datagram_bio(std::deque<Bytes>* queue);

}  // namespace umbra::rtc::dtls
