// Room placement and bookkeeping over many sessions: Router (two workers, real sockets on loopback)
// driven through the MediaRouter interface. A room is forgotten when its worker drops it, so the
// per-worker counts fall and later sessions spread; the ids of closed transports, their producers
// and consumers are forgotten by the facade and the workers. No media flows here: transports are
// created and closed, producers and consumers added without DTLS (the rooms only need the ids).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>

#include "crypto/certificate.h"
#include "io_run_until.h"
#include "router/router.h"

namespace umbra::router {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class RouterPlacement : public ::testing::Test {
 protected:
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  std::unique_ptr<Router> router;

  void SetUp() override {
    RouterOptions options;
    options.rtc_port = 0;
    options.workers = 2;
    router = std::make_unique<Router>(options, router_cert,
                                      [this](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  }
  void TearDown() override { router.reset(); }

  // Runs the completions until pred holds; the bound only keeps a broken build from hanging.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds bound = 10s) {
    return umbra::testing::run_until(io, pred, bound);
  }

  server::TransportInfo create(const std::string& room_id) {
    std::optional<server::TransportInfo> info;
    router->create_transport({room_id, "conn", false}, [&](auto outcome) {
      EXPECT_TRUE(outcome.value) << outcome.error.message;
      info = outcome.value.value_or(server::TransportInfo{});
    });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    return info.value_or(server::TransportInfo{});
  }

  // The worker a transport landed on, as a client sees it: the port of its candidate.
  static std::uint16_t port_of(const server::TransportInfo& info) {
    return info.candidates.empty() ? 0 : info.candidates.front().port;
  }
  std::size_t worker_index(const server::TransportInfo& info) const {
    const auto ports = router->ports();
    return static_cast<std::size_t>(std::find(ports.begin(), ports.end(), port_of(info)) - ports.begin());
  }

  // The transport is really on its worker: connect_transport finds it there.
  bool connects(const std::string& transport_id) {
    std::optional<bool> ok;
    router->connect_transport(transport_id, {"client", {{"sha-256", router_cert.fingerprint_text()}}},
                              [&](auto outcome) { ok = outcome.value.has_value(); });
    EXPECT_TRUE(run_until([&] { return ok.has_value(); }));
    return ok.value_or(false);
  }

  // The facade's placement agrees with the rooms the workers hold (published on their tick).
  bool settled_at(std::size_t rooms) {
    return run_until([&] {
      const auto b = router->bookkeeping();
      std::vector<std::size_t> held(b.worker_rooms.begin(), b.worker_rooms.end());
      return b.rooms == rooms && b.rooms_per_worker == held &&
             std::accumulate(held.begin(), held.end(), std::size_t{0}) == rooms;
    });
  }

  std::string produce(const std::string& transport_id) {
    server::ProduceOptions options;
    options.kind = "video";
    options.rtp.codecs.push_back({"video/VP8", 96, 90000, 0, "", 97});
    options.rtp.encodings.push_back({0x2222, 0x2223, ""});
    std::string id;
    router->produce(transport_id, options, [&](auto outcome) {
      EXPECT_TRUE(outcome.value) << outcome.error.message;
      id = outcome.value ? outcome.value->producer_id : "failed";
    });
    EXPECT_TRUE(run_until([&] { return !id.empty(); }));
    return id;
  }

  std::string consume(const std::string& transport_id, const std::string& producer_id) {
    std::string id;
    router->consume(transport_id, {producer_id, false}, [&](auto outcome) {
      EXPECT_TRUE(outcome.value) << outcome.error.message;
      id = outcome.value ? outcome.value->consumer_id : "failed";
    });
    EXPECT_TRUE(run_until([&] { return !id.empty(); }));
    return id;
  }
};

TEST_F(RouterPlacement, AClosedSessionsRoomIsForgottenSoTheNextOneGoesToTheEmptierWorker) {
  const auto a = create("room-a");
  const auto b = create("room-b");
  ASSERT_NE(port_of(a), port_of(b)) << "two rooms on two workers";
  EXPECT_EQ(router->stats().rooms, 2u);

  router->close_transport(b.transport_id);
  ASSERT_TRUE(settled_at(1));
  EXPECT_EQ(router->stats().rooms, 1u);

  // Only room-a is left: a new session belongs on room-b's (now empty) worker.
  const auto c = create("room-c");
  EXPECT_EQ(port_of(c), port_of(b));
  EXPECT_NE(port_of(c), port_of(a));
}

TEST_F(RouterPlacement, ManySessionsLeaveNothingBehind) {
  const auto kept = create("kept");
  for (int i = 0; i < 60; ++i) {
    const std::string room = "session-" + std::to_string(i);
    const auto first = create(room);
    const auto second = create(room);
    EXPECT_EQ(port_of(first), port_of(second)) << "a room lives on one worker";
    router->close_transport(first.transport_id);
    router->close_transport(second.transport_id);
  }
  ASSERT_TRUE(settled_at(1));
  const auto b = router->bookkeeping();
  EXPECT_EQ(b.transports, 1u);
  EXPECT_EQ(b.rooms_per_worker.at(worker_index(kept)), 1u);

  // The same session id again is placed afresh: on the worker without "kept".
  const auto again = create("session-0");
  EXPECT_NE(port_of(again), port_of(kept));
  ASSERT_TRUE(settled_at(2));
}

TEST_F(RouterPlacement, ProducersAndConsumersAreForgottenWithTheirTransports) {
  const auto pub = create("room");
  const auto sub = create("room");
  const std::string producer = produce(pub.transport_id);
  const std::string consumer = consume(sub.transport_id, producer);
  ASSERT_TRUE(run_until([&] {
    const auto b = router->bookkeeping();
    return b.producers == 1 && b.consumers == 1 && b.worker_consumers == 1 && b.worker_transports == 2;
  }));

  router->close_transport(sub.transport_id);
  ASSERT_TRUE(run_until([&] {
    const auto b = router->bookkeeping();
    return b.consumers == 0 && b.worker_consumers == 0 && b.worker_transports == 1 && b.producers == 1;
  }));
  router->set_consumer_paused(consumer, true);  // a forgotten consumer is ignored, not a crash

  router->close_transport(pub.transport_id);
  ASSERT_TRUE(settled_at(0));
  const auto b = router->bookkeeping();
  EXPECT_EQ(b.producers, 0u);
  EXPECT_EQ(b.transports, 0u);
  EXPECT_EQ(b.worker_transports, 0u);
  // A producer of a closed transport cannot be consumed any more.
  const auto late = create("room");
  std::optional<std::string> code;
  router->consume(late.transport_id, {producer, false}, [&](auto outcome) { code = outcome.error.code; });
  ASSERT_TRUE(run_until([&] { return code.has_value(); }));
  EXPECT_EQ(*code, "producer_not_found");
}

// The race of a room drop: the worker finds a room empty in its tick while a create_transport for
// the same room comes from the control plane. The probe runs on the worker thread in exactly that
// window, before the facade decides (forgotten unset) or after it forgot the room (true), and
// creates a transport there. "room" is on the busier worker, so a placement made afresh goes to
// the other one: a facade that lost track of the room would send the next participant away.
struct RaceState {
  std::mutex mutex;
  bool fired = false;
  std::optional<server::TransportInfo> created;
};

class RouterDropRace : public RouterPlacement {
 protected:
  server::TransportInfo first, busy;

  void SetUp() override {
    RouterPlacement::SetUp();
    first = create("room");              // worker 0
    const auto other = create("other");  // worker 1
    busy = create("busy");               // worker 0
    ASSERT_EQ(port_of(first), port_of(busy));
    router->close_transport(other.transport_id);  // worker 1 empties
    ASSERT_TRUE(settled_at(2));
  }

  // Closes "room"'s only transport and creates another one from inside the drop.
  server::TransportInfo create_during_drop(std::optional<bool> when) {
    auto state = std::make_shared<RaceState>();
    router->set_room_drop_probe(
        [this, state, when](const std::string& room_id, std::optional<bool> forgotten) {
          if (room_id != "room" || forgotten != when) return;
          {
            std::lock_guard lock(state->mutex);
            if (std::exchange(state->fired, true)) return;
          }
          router->create_transport({"room", "conn", false}, [state](auto outcome) {
            std::lock_guard lock(state->mutex);
            EXPECT_TRUE(outcome.value) << outcome.error.message;
            state->created = outcome.value.value_or(server::TransportInfo{});
          });
        });
    router->close_transport(first.transport_id);
    EXPECT_TRUE(run_until([&] {
      std::lock_guard lock(state->mutex);
      return state->created.has_value();
    }));
    router->set_room_drop_probe({});
    std::lock_guard lock(state->mutex);
    return state->created.value_or(server::TransportInfo{});
  }
};

TEST_F(RouterDropRace, ATransportCreatedBeforeTheFacadeDecidesKeepsTheRoom) {
  const auto second = create_during_drop(std::nullopt);
  EXPECT_EQ(port_of(second), port_of(first)) << "the room was kept where it was";
  EXPECT_TRUE(connects(second.transport_id));
  EXPECT_TRUE(settled_at(2));
  // The next participant joins the same room, on the same worker.
  const auto third = create("room");
  EXPECT_EQ(port_of(third), port_of(second));
  EXPECT_TRUE(settled_at(2));

  router->close_transport(second.transport_id);
  router->close_transport(third.transport_id);
  router->close_transport(busy.transport_id);
  EXPECT_TRUE(settled_at(0));
}

TEST_F(RouterDropRace, ATransportCreatedJustAfterTheRoomWasForgottenGetsAFreshRoom) {
  const auto second = create_during_drop(true);
  EXPECT_NE(port_of(second), port_of(first)) << "placed afresh, on the emptier worker";
  EXPECT_TRUE(connects(second.transport_id));
  EXPECT_TRUE(settled_at(2));
  const auto third = create("room");
  EXPECT_EQ(port_of(third), port_of(second));
  EXPECT_TRUE(settled_at(2));

  router->close_transport(second.transport_id);
  router->close_transport(third.transport_id);
  router->close_transport(busy.transport_id);
  EXPECT_TRUE(settled_at(0));
}

TEST_F(RouterPlacement, ARecordingHoldsItsRoomUntilItStops) {
  const auto root =
      std::filesystem::temp_directory_path() / ("umbra-placement-" + std::to_string(::getpid()));
  std::optional<server::RouterOutcome<server::RecordingReport>> started;
  router->start_recording({"rec-room", "arc_1", root.string(), true, true},
                          [&](auto outcome) { started = std::move(outcome); });
  ASSERT_TRUE(run_until([&] { return started.has_value(); }));
  ASSERT_TRUE(started->value) << started->error.message;
  // No transport yet: the recording alone keeps the room placed (a publisher may still join).
  EXPECT_TRUE(settled_at(1));
  const auto t = create("rec-room");
  router->close_transport(t.transport_id);
  EXPECT_TRUE(settled_at(1));

  std::optional<server::RouterOutcome<server::RecordingReport>> stopped;
  router->stop_recording("arc_1", "requested", [&](auto outcome) { stopped = std::move(outcome); });
  ASSERT_TRUE(run_until([&] { return stopped.has_value(); }));
  EXPECT_TRUE(settled_at(0));
  std::filesystem::remove_all(root);
}

TEST_F(RouterPlacement, ARecordingThatCannotStartLeavesNoRoomBehind) {
  std::optional<server::RouterOutcome<server::RecordingReport>> started;
  router->start_recording({"rec-room", "arc_1", "/dev/null/umbra", true, true},
                          [&](auto outcome) { started = std::move(outcome); });
  ASSERT_TRUE(run_until([&] { return started.has_value(); }));
  EXPECT_EQ(started->error.code, "archive_storage_failed");
  EXPECT_TRUE(settled_at(0));
}

TEST_F(RouterPlacement, StatsCountRoomsAndRecordingDrops) {
  const auto t = create("room");
  const auto s = router->stats();
  EXPECT_EQ(s.rooms, 1u);
  EXPECT_EQ(s.recording_packets_dropped, router->recording_packets_dropped());
  router->close_transport(t.transport_id);
  ASSERT_TRUE(settled_at(0));
  EXPECT_EQ(router->stats().rooms, 0u);
}

}  // namespace
}  // namespace umbra::router
