// A bare HTTP/1.1 client for tests that need request headers (Range, If-Range), HEAD, or the response's
// headers: server::http_request covers only the REST calls' needs.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace umbra::server::testing {

struct RawHttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of a header (case-insensitive name), or "<absent>".
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (boost::beast::iequals(key, name)) return value;
    }
    return "<absent>";
  }
};

// One request on a fresh connection to 127.0.0.1:port. A HEAD answer is read without a body, as the
// framing rules say (RFC 9112 section 6.3), so its Content-Length is the GET's.
inline RawHttpResponse raw_http(std::uint16_t port, const std::string& method, const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  http::read(stream, buffer, parser);
  const auto& response = parser.get();
  RawHttpResponse out;
  out.status = static_cast<int>(response.result_int());
  for (const auto& field : response) out.headers.emplace_back(field.name_string(), field.value());
  out.body = response.body();
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace umbra::server::testing
