// How the router integration tests wait: run the test thread's io_context (router completions, the
// native peers' sockets and timers) until a condition holds. The bound only keeps a broken build from
// hanging the suite; it is not a timing assertion.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

namespace umbra::testing {

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred pred, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace umbra::testing
