// One client's signaling socket as the hub sees it. The WebSocket session implements it; tests use a fake.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace umbra::server {

class ClientLink {
 public:
  virtual ~ClientLink() = default;
  // Queues one text message.
  virtual void send(std::string text) = 0;
  // Closes after the queued messages are written. Must not call back into the hub from inside.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

// WebSocket close codes the hub uses (RFC 6455 section 7.4; 4000-4999 are ours).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kClosePolicy = 1008;
inline constexpr std::uint16_t kCloseReplaced = 4000;  // the connection resumed on another socket

}  // namespace umbra::server
