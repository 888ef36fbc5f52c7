// Time in the router's sans-IO cores is passed in, never read: a test drives it by hand, the
// worker passes steady_clock::now().
#pragma once

#include <chrono>

namespace umbra::router {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace umbra::router
