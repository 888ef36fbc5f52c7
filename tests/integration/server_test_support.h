// In-process `umbra serve` on an ephemeral loopback port, and blocking HTTP/WebSocket clients for it.
// Every wait has a deadline so a broken server fails a test instead of hanging it.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/client_token.h"
#include "server/http_client.h"
#include "server/project_auth.h"
#include "server/server.h"

namespace umbra::server::testing {

using nlohmann::json;

inline const ApiCredentials kTestCreds{"testkey", "testsecret"};

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() / ("umbra-it-" + std::to_string(crypto::random_u64()))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class RunningServer {
 public:
  explicit RunningServer(const std::filesystem::path& data_dir, std::filesystem::path web_root = {},
                         bool demo = false, const RouterFactory& make_router = {}) {
    ServerOptions options;
    options.http_port = 0;
    options.data_dir = data_dir;
    options.web_root = std::move(web_root);
    options.credentials = kTestCreds;
    options.demo = demo;
    auto started = Server::start(options, make_router);
    if (!started) throw std::runtime_error(started.error());
    server_ = std::move(*started);
    port_ = server_->port();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() {
    server_->stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // REST call with a fresh project JWT (or the given Authorization token).
  HttpClientResponse call(const std::string& method, const std::string& path, const std::string& body = "",
                          std::optional<std::string> token = std::nullopt) const {
    const std::string bearer = token ? *token : mint_project_token(kTestCreds, now_seconds());
    auto response = http_request(url(), method, path, body, bearer);
    if (!response) throw std::runtime_error(response.error());
    return *response;
  }
  json call_json(const std::string& method, const std::string& path, const json& body = nullptr) const {
    const auto r = call(method, path, body.is_null() ? "" : body.dump());
    return json::parse(r.body.empty() ? "null" : r.body);
  }
  std::string create_session(const std::string& mode = "relayed") const {
    return call_json("POST", "/v1/sessions", {{"mediaMode", mode}})["sessionId"];
  }

 private:
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

inline std::string client_token(const std::string& session_id, Role role, const std::string& data = "") {
  return mint_client_token(kTestCreds, {session_id, role, 600, data}, now_seconds())->token;
}

// A signaling client over a real WebSocket.
class WsClient {
 public:
  explicit WsClient(std::uint16_t port) : ws_(io_) {
    boost::asio::ip::tcp::resolver resolver(io_);
    boost::asio::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/v1/rtc");
    ws_.text(true);
  }

  void send_raw(const std::string& text) { ws_.write(boost::asio::buffer(text)); }
  void send(const json& message) { send_raw(message.dump()); }

  // The next message, or nullopt if the socket closed or nothing came within 10 s.
  std::optional<json> read() {
    boost::beast::flat_buffer buffer;
    boost::beast::error_code result = boost::asio::error::timed_out;
    bool done = false;
    ws_.async_read(buffer, [&](boost::beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    io_.restart();
    io_.run_for(std::chrono::seconds(10));
    if (!done) {
      boost::beast::error_code ignored;
      ws_.next_layer().close(ignored);
      io_.restart();
      io_.run_for(std::chrono::seconds(1));
      closed_ = true;
      return std::nullopt;
    }
    if (result) {
      closed_ = true;
      close_code_ = ws_.reason().code;
      return std::nullopt;
    }
    return json::parse(boost::beast::buffers_to_string(buffer.data()));
  }

  // Skips messages until one of `type` (nullopt if the socket closes first).
  std::optional<json> read_until(const std::string& type) {
    while (auto m = read()) {
      if ((*m)["type"] == type) return m;
    }
    return std::nullopt;
  }

  // Sends a request and returns the message answering its requestId.
  json request(json message) {
    const int id = ++next_request_id_;
    message["requestId"] = id;
    send(message);
    while (auto m = read()) {
      if (m->contains("requestId") && (*m)["requestId"] == id) return *m;
    }
    return {{"type", "closed"}};
  }

  json join(const std::string& token) { return request({{"type", "join"}, {"token", token}}); }

  // Drops the TCP connection without a close handshake (a network failure, as the server sees it).
  void drop() {
    boost::beast::error_code ignored;
    ws_.next_layer().close(ignored);
    closed_ = true;
  }

  bool closed() const { return closed_; }
  std::uint16_t close_code() const { return close_code_; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  int next_request_id_ = 0;
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
};

}  // namespace umbra::server::testing
