#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>

#include "common/log.h"
#include "server/client_link.h"
#include "server/http_conditional.h"
#include "server/http_range.h"
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

// What the HTTP layer keeps of a request to shape its answer: HEAD (headers only), the Range header and
// the conditionals that refer to a file's ETag (http_conditional.h).
struct RequestFacts {
  unsigned version = 11;
  bool keep_alive = false;
  bool head = false;
  std::string range;
  // Present at all: a Range under an If-Range that does not match our ETag (or with no ETag to compare,
  // as for in-memory bodies) is ignored (RFC 9110 section 13.1.5).
  bool has_if_range = false;
  std::string if_range;
  std::string if_none_match;
};

// A window [first, first + length) of a file in Beast's File concept, so basic_file_body streams just a
// byte range from disk: Boost 1.81's file_body always sends from the start to the end of the file.
class FileWindow {
 public:
  bool is_open() const { return file_.is_open(); }
  void close(beast::error_code& ec) { file_.close(ec); }
  void open(const char* path, beast::file_mode mode, beast::error_code& ec) {
    file_.open(path, mode, ec);
    first_ = 0;
    offset_ = 0;
    length_ = ec ? 0 : file_.size(ec);
  }
  // Narrows the window to `range` (inside the file) and positions it at its start.
  void narrow(ByteRange range, beast::error_code& ec) {
    file_.seek(range.first, ec);
    first_ = range.first;
    offset_ = 0;
    length_ = range.length;
  }
  std::uint64_t size(beast::error_code& ec) const {
    ec = {};
    return length_;
  }
  std::uint64_t pos(beast::error_code& ec) const {
    ec = {};
    return offset_;
  }
  void seek(std::uint64_t offset, beast::error_code& ec) {
    offset_ = std::min(offset, length_);
    file_.seek(first_ + offset_, ec);
  }
  std::size_t read(void* buffer, std::size_t n, beast::error_code& ec) {
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(n, length_ - offset_));
    const auto got = file_.read(buffer, wanted, ec);
    offset_ += got;
    return got;
  }
  std::size_t write(const void*, std::size_t, beast::error_code& ec) {
    ec = asio::error::operation_not_supported;
    return 0;
  }
  // The open file's modification time, for its ETag; nullopt if it cannot be read.
  std::optional<std::int64_t> mtime_ns() const {
    struct stat st {};
    if (::fstat(file_.native_handle(), &st) != 0) return std::nullopt;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }

 private:
  beast::file file_;
  std::uint64_t first_ = 0;
  std::uint64_t offset_ = 0;
  std::uint64_t length_ = 0;
};

using FileWindowBody = http::basic_file_body<FileWindow>;

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
      return respond(json_error(413, "payload_too_large", "request bodies are at most 64 KiB"), 11, false);
    }
    if (ec == http::error::header_limit) {
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
    RequestFacts facts;
    facts.version = request.version();
    facts.keep_alive = request.keep_alive();
    // HEAD is the GET without its body (RFC 9110 section 9.3.2): the routes answer a GET, and the
    // headers go out with the GET's real Content-Length.
    if (request.method() == http::verb::head || request.method() == http::verb::get) {
      facts.if_none_match = std::string(request[http::field::if_none_match]);
    }
    if (request.method() == http::verb::head) {
      facts.head = true;
      r.method = "GET";
    } else if (request.method() == http::verb::get) {
      facts.range = std::string(request[http::field::range]);
      facts.has_if_range = request.find(http::field::if_range) != request.end();
      facts.if_range = std::string(request[http::field::if_range]);
    }
    r.target = target;
    r.authorization = std::string(request[http::field::authorization]);
    r.host = std::string(request[http::field::host]);
    r.body = std::move(request.body());
    respond(api_.handle(r), facts);
  }

  void respond(HttpResponse response, unsigned version, bool keep_alive) {
    RequestFacts facts;
    facts.version = version;
    facts.keep_alive = keep_alive;
    respond(std::move(response), facts);
  }

  template <class Body>
  void set_common(http::response<Body>& res, const HttpResponse& response, bool keep_alive) {
    res.set(http::field::server, "umbra");
    if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res.set(name, value);
    res.keep_alive(keep_alive);
  }

  // Only the Range of a GET on a 200 answer is honoured, and under an If-Range only when it names
  // `etag` (empty: the body has none); anything else is sent whole.
  static RangeDecision range_for(const HttpResponse& response, const RequestFacts& facts, std::uint64_t size,
                                 std::string_view etag = {}) {
    if (facts.range.empty() || response.status != 200) return {};
    if (facts.has_if_range && !if_range_matches(facts.if_range, etag)) return {};
    return decide_range(facts.range, size);
  }

  // 416 names the current length so the client can ask again (RFC 9110 section 15.5.17).
  void respond_unsatisfiable(std::uint64_t size, const RequestFacts& facts) {
    auto refused = json_error(416, "range_not_satisfiable", "the range starts past the end of the file");
    refused.headers.emplace_back("Accept-Ranges", "bytes");
    refused.headers.emplace_back("Content-Range", unsatisfied_content_range(size));
    respond(std::move(refused), facts);
  }

  void respond(HttpResponse response, const RequestFacts& facts) {
    if (!response.file_path.empty()) return respond_file(response, facts);
    if (response.accept_ranges) {
      response.headers.emplace_back("Accept-Ranges", "bytes");
      const auto decision = range_for(response, facts, response.body.size());
      if (decision.outcome == RangeOutcome::kUnsatisfiable)
        return respond_unsatisfiable(response.body.size(), facts);
      if (decision.outcome == RangeOutcome::kSatisfiable) {
        response.status = 206;
        response.headers.emplace_back("Content-Range", content_range(decision.range, response.body.size()));
        response.body = response.body.substr(static_cast<std::size_t>(decision.range.first),
                                             static_cast<std::size_t>(decision.range.length));
      }
    }
    if (facts.head) return respond_head(response, response.body.size(), facts);
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status),
                                                                   facts.version);
    set_common(*res, response, facts.keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    send(res, false);
  }

  // The headers of the GET with its real Content-Length, and no body.
  void respond_head(const HttpResponse& response, std::uint64_t length, const RequestFacts& facts) {
    auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(response.status),
                                                                  facts.version);
    set_common(*res, response, facts.keep_alive);
    // 1xx and 204 carry no Content-Length (RFC 9110 section 8.6).
    if (response.status >= 200 && response.status != 204) res->content_length(length);
    send(res, false);
  }

  // 304 carries the validators the 200 would have (ETag), no content headers and no body (RFC 9110
  // section 15.4.5).
  void respond_not_modified(const HttpResponse& response, const RequestFacts& facts) {
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::not_modified, facts.version);
    res->set(http::field::server, "umbra");
    for (const auto& [name, value] : response.headers) res->set(name, value);
    res->keep_alive(facts.keep_alive);
    send(res, false);
  }

  // A file body is streamed from disk by Beast, never read into memory: archive files are as large as
  // the recording was long. A single byte range is sought to and only its bytes are read.
  void respond_file(HttpResponse response, const RequestFacts& facts) {
    FileWindow window;
    beast::error_code ec;
    window.open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      return respond(json_error(404, "file_not_found", "the file cannot be opened: " + ec.message()), facts);
    }
    const std::uint64_t size = window.size(ec);
    response.headers.emplace_back("Accept-Ranges", "bytes");
    std::string etag;
    if (const auto mtime = window.mtime_ns()) {
      etag = file_entity_tag(size, *mtime);
      response.headers.emplace_back("ETag", etag);
    }
    // If-None-Match is evaluated before Range (RFC 9110 section 13.2.2): the client already holds it.
    if (!etag.empty() && !facts.if_none_match.empty() && response.status == 200 &&
        if_none_match_matches(facts.if_none_match, etag)) {
      return respond_not_modified(response, facts);
    }
    const auto decision = facts.head ? RangeDecision{} : range_for(response, facts, size, etag);
    if (decision.outcome == RangeOutcome::kUnsatisfiable) return respond_unsatisfiable(size, facts);
    if (decision.outcome == RangeOutcome::kSatisfiable) {
      window.narrow(decision.range, ec);
      if (ec) {
        return respond(json_error(500, "file_unreadable", "the file cannot be read: " + ec.message()), facts);
      }
      response.status = 206;
      response.headers.emplace_back("Content-Range", content_range(decision.range, size));
    }
    if (facts.head) return respond_head(response, size, facts);
    auto res = std::make_shared<http::response<FileWindowBody>>(static_cast<http::status>(response.status),
                                                                facts.version);
    set_common(*res, response, facts.keep_alive);
    res->body().reset(std::move(window), ec);
    res->prepare_payload();
    send(res, true);
  }

  // Every answer leaves through here, so /metrics counts the status that went out: a route's 200 that
  // a Range turned into 206 or 416, a 413/431 that never reached the routes.
  template <class Body>
  void send(std::shared_ptr<http::response<Body>> res, bool file) {
    api_.count_response(static_cast<int>(res->result_int()));
    // The read deadline would cut a long download over a slow link; an hour bounds a stuck client.
    if (file) stream_.expires_after(kFileWriteTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return;
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
