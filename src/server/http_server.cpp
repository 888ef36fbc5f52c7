#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <optional>

#include "common/log.h"
#include "server/client_link.h"
#include "server/rest_api.h"
#include "server/signaling_hub.h"

namespace umbra::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr auto kHttpReadTimeout = std::chrono::seconds(30);
constexpr auto kFileWriteTimeout = std::chrono::hours(1);
constexpr std::size_t kMaxHeaderSize = std::size_t{16} * 1024;
constexpr const char* kRtcPath = "/v1/rtc";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One signaling WebSocket. Lives as long as an async operation holds it; tells the hub exactly once that
// it is gone, unless the hub closed it (then the hub has already forgotten it).
class WsSession final : public ClientLink, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, SignalingHub& hub) : ws_(std::move(socket)), hub_(hub) {}

  void start(const http::request<http::string_body>& request) {
    ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(10), std::chrono::seconds(30), true});
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "umbra"); }));
    ws_.read_message_max(HttpServer::kMaxWebSocketMessage);
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(std::string text) override {
    if (close_pending_) return;
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void close(std::uint16_t code, std::string_view reason) override {
    hub_done_ = true;  // the hub initiated this and no longer knows us
    if (close_pending_) return;
    close_pending_ = true;
    close_reason_ = websocket::close_reason(code);
    close_reason_.reason.assign(reason.data(), std::min<std::size_t>(reason.size(), 120));  // 125-byte frame
    if (!writing_) close_now();
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    registered_ = true;
    hub_.on_open(*this, now_ms());
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::message_too_big) log::warn("signaling", "oversized frame, closing");
      gone();
      return;
    }
    if (!ws_.got_text()) {
      buffer_.consume(buffer_.size());
      gone();
      close(static_cast<std::uint16_t>(websocket::close_code::unknown_data), "text frames only");
      read_next();
      return;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!hub_done_) hub_.on_message(*this, text, now_ms());
    read_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      queue_.clear();
      return;  // the pending read fails too and reports the loss
    }
    queue_.pop_front();
    if (!queue_.empty()) {
      write_next();
    } else if (close_pending_) {
      close_now();
    }
  }

  void close_now() {
    queue_.clear();
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {});
  }

  // The socket is dead or unusable: the hub hears it once (and suspends the connection for resume).
  void gone() {
    if (registered_ && !hub_done_) {
      hub_done_ = true;
      hub_.on_close(*this, now_ms());
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  SignalingHub& hub_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool registered_ = false;
  bool hub_done_ = false;
  bool close_pending_ = false;
  websocket::close_reason close_reason_;
};

// One HTTP/1.1 connection: keep-alive loop of request → RestApi → response, or an upgrade to WsSession.
class HttpSession final : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, RestApi& api, SignalingHub& hub)
      : stream_(std::move(socket)), api_(api), hub_(hub) {}

  void start() { read_next(); }

 private:
  void read_next() {
    parser_.emplace();
    parser_->body_limit(HttpServer::kMaxBodySize);
    parser_->header_limit(kMaxHeaderSize);
    stream_.expires_after(kHttpReadTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::body_limit) {
      api_.count_response(413);
      return respond(json_error(413, "payload_too_large", "request bodies are at most 64 KiB"), 11, false);
    }
    if (ec == http::error::header_limit) {
      api_.count_response(431);
      return respond(json_error(431, "headers_too_large", "request headers are at most 16 KiB"), 11, false);
    }
    if (ec) return;  // timeout or reset: nothing to answer
    auto request = parser_->release();
    const std::string target(request.target());
    if (websocket::is_upgrade(request)) {
      if (target == kRtcPath || target.starts_with(std::string(kRtcPath) + "?")) {
        stream_.expires_never();
        std::make_shared<WsSession>(stream_.release_socket(), hub_)->start(request);
        return;
      }
      return respond(json_error(404, "not_found", "WebSocket signaling lives at /v1/rtc"), request.version(),
                     false);
    }
    HttpRequest r;
    r.method = std::string(request.method_string());
    r.target = target;
    r.authorization = std::string(request[http::field::authorization]);
    r.host = std::string(request[http::field::host]);
    r.body = std::move(request.body());
    respond(api_.handle(r), request.version(), request.keep_alive());
  }

  void respond(HttpResponse response, unsigned version, bool keep_alive) {
    if (!response.file_path.empty()) return respond_file(response, version, keep_alive);
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                   version);
    res->set(http::field::server, "umbra");
    if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return;
      if (!res->keep_alive()) return self->shutdown();
      self->read_next();
    });
  }

  // A file body is streamed from disk by Beast (file_body), never read into memory: archive files
  // are as large as the recording was long.
  void respond_file(const HttpResponse& response, unsigned version, bool keep_alive) {
    http::file_body::value_type file;
    beast::error_code ec;
    file.open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      return respond(json_error(404, "file_not_found", "the file cannot be opened: " + ec.message()), version,
                     keep_alive);
    }
    auto res = std::make_shared<http::response<http::file_body>>(static_cast<http::status>(response.status),
                                                                 version);
    res->set(http::field::server, "umbra");
    if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(file);
    res->prepare_payload();
    // The read deadline would cut a long download over a slow link; an hour bounds a stuck client.
    stream_.expires_after(kFileWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code write_ec, std::size_t) {
                        if (write_ec) return;
                        if (!res->keep_alive()) return self->shutdown();
                        self->read_next();
                      });
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  RestApi& api_;
  SignalingHub& hub_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(asio::io_context& io_context, RestApi& rest, SignalingHub& signaling)
      : io(io_context), api(rest), hub(signaling), acceptor(io_context), ticker(io_context) {}

  void accept() {
    acceptor.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<HttpSession>(std::move(socket), api, hub)->start();
      }
      accept();
    });
  }

  void tick() {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([this](beast::error_code ec) {
      if (ec) return;
      hub.tick(now_ms());
      tick();
    });
  }

  asio::io_context& io;
  RestApi& api;
  SignalingHub& hub;
  tcp::acceptor acceptor;
  asio::steady_timer ticker;
};

HttpServer::HttpServer(asio::io_context& io, RestApi& api, SignalingHub& hub)
    : impl_(std::make_unique<Impl>(io, api, hub)) {}

HttpServer::~HttpServer() = default;

Result<void, std::string> HttpServer::listen(const std::string& host, std::uint16_t port) {
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) return err("cannot resolve --http host " + host + ": " + ec.message());
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return err("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  impl_->accept();
  impl_->tick();
  return {};
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::close() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->ticker.cancel();
}

}  // namespace umbra::server
