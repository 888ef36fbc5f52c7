#include "router/simulcast_selector.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kLow = 0;
constexpr std::size_t kMedium = 1;
constexpr std::size_t kHigh = 2;

// Feeds one frame's worth of packets (one per layer in `layers`) and returns the layers the
// selector forwarded.
struct Feed {
  SimulcastSelector selector{3};
  TimePoint now = TimePoint{} + 100s;

  SimulcastSelector::Decision packet(std::size_t layer, bool keyframe = false) {
    return selector.on_packet(layer, keyframe, now);
  }
  // One frame on every layer, keyframes on the given ones; 33 ms later.
  std::vector<std::size_t> frame(std::initializer_list<std::size_t> layers,
                                 std::initializer_list<std::size_t> keyframes = {}) {
    std::vector<std::size_t> forwarded;
    for (std::size_t l : layers) {
      const bool key = std::find(keyframes.begin(), keyframes.end(), l) != keyframes.end();
      if (packet(l, key).forward) forwarded.push_back(l);
    }
    now += 33ms;
    return forwarded;
  }
};

TEST(SimulcastSelector, ForwardsNothingUntilAKeyframeOfTheBestLayer) {
  Feed f;
  EXPECT_TRUE(f.frame({kLow, kMedium, kHigh}).empty());
  EXPECT_EQ(f.selector.wanted_keyframe(), kHigh);
  EXPECT_TRUE(f.frame({kLow, kMedium, kHigh}, {kLow}).empty()) << "a keyframe of a layer it does not want";
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kHigh}), std::vector<std::size_t>{kHigh});
  EXPECT_EQ(f.selector.current(), kHigh);
  EXPECT_EQ(f.selector.wanted_keyframe(), std::nullopt);
}

TEST(SimulcastSelector, ForwardsExactlyOneLayerOnceSettled) {
  Feed f;
  f.frame({kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(f.frame({kLow, kMedium, kHigh}), std::vector<std::size_t>{kHigh});
  }
}

TEST(SimulcastSelector, TheFirstPacketOfASwitchSaysSo) {
  Feed f;
  f.frame({kLow, kMedium, kHigh});
  const auto first = f.packet(kHigh, true);
  EXPECT_TRUE(first.forward);
  EXPECT_TRUE(first.switched);
  const auto next = f.packet(kHigh, false);
  EXPECT_TRUE(next.forward);
  EXPECT_FALSE(next.switched);
}

TEST(SimulcastSelector, SwitchingDownKeepsTheOldLayerUntilTheNewLayersKeyframe) {
  Feed f;
  f.frame({kLow, kMedium, kHigh}, {kHigh});
  f.selector.set_preferred(kLow, f.now);
  EXPECT_EQ(f.selector.wanted_keyframe(), kLow);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(f.frame({kLow, kMedium, kHigh}), std::vector<std::size_t>{kHigh}) << "no broken picture";
  }
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kLow}), std::vector<std::size_t>{kLow});
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}), std::vector<std::size_t>{kLow});
  EXPECT_EQ(f.selector.wanted_keyframe(), std::nullopt);
}

TEST(SimulcastSelector, SwitchingUpWaitsForTheHigherLayersKeyframe) {
  Feed f;
  f.selector.set_preferred(kLow, f.now);
  f.frame({kLow, kMedium, kHigh}, {kLow});
  EXPECT_EQ(f.selector.current(), kLow);
  f.selector.set_preferred(kMedium, f.now);
  EXPECT_EQ(f.selector.wanted_keyframe(), kMedium);
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kHigh}), std::vector<std::size_t>{kLow})
      << "the high layer is above the ceiling";
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kMedium}), (std::vector<std::size_t>{kLow, kMedium}))
      << "the old layer up to the new layer's keyframe";
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}), std::vector<std::size_t>{kMedium});
}

TEST(SimulcastSelector, FallsBackWhenTheForwardedLayerStopsArriving) {
  Feed f;
  f.frame({kLow, kMedium, kHigh}, {kHigh});
  // The publisher's encoder drops the high layer (CPU or bandwidth).
  while (f.now < TimePoint{} + 100s + SimulcastSelector::kInactiveAfter + 100ms) {
    EXPECT_TRUE(f.frame({kLow, kMedium}).empty());
  }
  EXPECT_EQ(f.selector.target(), kMedium);
  EXPECT_EQ(f.selector.wanted_keyframe(), kMedium);
  EXPECT_EQ(f.frame({kLow, kMedium}, {kMedium}), std::vector<std::size_t>{kMedium});
}

TEST(SimulcastSelector, ATimerNoticesAQuietTargetWithoutPackets) {
  Feed f;
  f.frame({kLow, kHigh}, {kHigh});  // the high layer's last packet
  f.now += 500ms;
  f.packet(kLow);  // the low layer still flows
  f.now += SimulcastSelector::kInactiveAfter - 500ms;
  EXPECT_TRUE(f.selector.on_timeout(f.now));
  EXPECT_EQ(f.selector.target(), kLow);
}

TEST(SimulcastSelector, GoesBackUpWhenTheDroppedLayerReturns) {
  Feed f;
  f.frame({kLow, kHigh}, {kHigh});
  f.now += 2s;
  f.frame({kLow}, {kLow});
  EXPECT_EQ(f.selector.current(), kLow);
  EXPECT_TRUE(f.frame({kLow, kHigh}) == std::vector<std::size_t>{kLow});
  EXPECT_EQ(f.selector.wanted_keyframe(), kHigh);
  EXPECT_EQ(f.frame({kLow, kHigh}, {kHigh}), (std::vector<std::size_t>{kLow, kHigh}));
  EXPECT_EQ(f.frame({kLow, kHigh}), std::vector<std::size_t>{kHigh});
}

TEST(SimulcastSelector, TakesTheLowestLayerAboveTheCeilingWhenNothingBelowFlows) {
  Feed f;
  f.selector.set_preferred(kLow, f.now);
  EXPECT_EQ(f.frame({kMedium, kHigh}, {kMedium, kHigh}), std::vector<std::size_t>{kMedium});
}

TEST(SimulcastSelector, KeepsTheTargetWhenEverythingGoesQuiet) {
  Feed f;
  f.frame({kLow, kMedium, kHigh}, {kHigh});
  f.now += 10s;
  EXPECT_FALSE(f.selector.on_timeout(f.now));
  EXPECT_EQ(f.selector.current(), kHigh);
  EXPECT_EQ(f.frame({kHigh}), std::vector<std::size_t>{kHigh}) << "the publisher resumed the same layer";
}

TEST(SimulcastSelector, RestartWaitsForAFreshKeyframe) {
  Feed f;
  f.frame({kLow, kMedium, kHigh}, {kHigh});
  f.selector.restart(f.now);
  EXPECT_EQ(f.selector.wanted_keyframe(), kHigh);
  EXPECT_TRUE(f.frame({kLow, kMedium, kHigh}).empty());
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kHigh}), std::vector<std::size_t>{kHigh});
}

TEST(SimulcastSelector, StartsOnTheBestLayerWhenAllKeyframesComeTogether) {
  Feed f;
  EXPECT_EQ(f.frame({kLow, kMedium, kHigh}, {kLow, kMedium, kHigh}), std::vector<std::size_t>{kHigh})
      << "no switch through the lower layers on the first frame";
}

TEST(SimulcastSelector, StartsOnALowerLayerWhenNothingBetterShowsUp) {
  Feed f;
  EXPECT_TRUE(f.frame({kLow}, {kLow}).empty());
  f.now += SimulcastSelector::kStartGrace;
  EXPECT_EQ(f.frame({kLow}, {kLow}), std::vector<std::size_t>{kLow});
}

TEST(SimulcastSelector, ClampsLayersItDoesNotHave) {
  SimulcastSelector two(2);
  two.set_preferred(7, TimePoint{});
  EXPECT_EQ(two.preferred(), 1u);
  EXPECT_FALSE(two.on_packet(2, true, TimePoint{} + 1s).forward);
  EXPECT_EQ(SimulcastSelector(0).layer_count(), 1u);
  EXPECT_EQ(SimulcastSelector(9).layer_count(), 3u);
}

}  // namespace
}  // namespace umbra::router
