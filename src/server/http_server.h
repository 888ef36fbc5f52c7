// The Beast/Asio shell around the transport-free cores: accepts TCP, parses HTTP/1.1 with size limits,
// hands requests to RestApi and upgrades `/v1/rtc` to a WebSocket whose messages go to SignalingHub.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

namespace boost::asio {
class io_context;
}

namespace umbra::server {

class RestApi;
class SignalingHub;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, RestApi& api, SignalingHub& hub);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<void, std::string> listen(const std::string& host, std::uint16_t port);
  std::uint16_t port() const;
  // Stops accepting and ticks; open sockets end when the io_context stops.
  void close();

  static constexpr std::size_t kMaxBodySize = std::size_t{64} * 1024;
  static constexpr std::size_t kMaxWebSocketMessage = std::size_t{64} * 1024;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::server
