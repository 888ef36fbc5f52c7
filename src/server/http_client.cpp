#include "server/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace umbra::server {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

Result<HttpClientResponse, std::string> http_request(const std::string& url, const std::string& method,
                                                     const std::string& path, const std::string& body,
                                                     const std::string& bearer_token) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return err("only http:// URLs are supported: " + url);
  std::string rest = url.substr(kScheme.size());
  std::string base;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    base = rest.substr(slash);
    rest.resize(slash);
  }
  if (!base.empty() && base.back() == '/') base.pop_back();
  std::string host = rest;
  std::string port = "80";
  if (const auto colon = rest.rfind(':');
      colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, port, ec);
  if (ec) return err("cannot resolve " + host + ": " + ec.message());
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(endpoints, ec);
  if (ec) return err("cannot connect to " + url + ": " + ec.message());

  http::request<http::string_body> request(http::string_to_verb(method), base + path, 11);
  request.set(http::field::host, rest);
  request.set(http::field::user_agent, "umbra-cli");
  if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + bearer_token);
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) return err("cannot send the request: " + ec.message());

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{16} * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) return err("cannot read the response: " + ec.message());
  auto response = parser.release();
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return HttpClientResponse{static_cast<int>(response.result_int()),
                            std::string(response[http::field::content_type]), std::move(response.body())};
}

}  // namespace umbra::server
