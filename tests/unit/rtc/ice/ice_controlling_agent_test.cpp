#include "rtc/ice/ice_controlling_agent.h"

#include <gtest/gtest.h>

namespace umbra::rtc::ice {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 100s;
const Credentials kServer{"srvU", "server-password-0123456789"};
const Credentials kClient{"cliU", "client-password-0123456789"};
const stun::Address kClientAddr = stun::Address::ipv4({127, 0, 0, 1}, 40000);

// One check from the agent through the lite server and back.
bool round_trip(IceControllingAgent& agent, IceLiteServer& server, TimePoint now) {
  const auto check = agent.poll(now);
  if (!check) return false;
  const auto request = stun::StunMessage::parse(*check);
  EXPECT_TRUE(request);
  const auto result = server.handle_request(*request, kClientAddr, now);
  const auto response = stun::StunMessage::parse(result.response);
  EXPECT_TRUE(response);
  return agent.handle_response(*response, now);
}

TEST(IceControllingAgent, ConnectsToALiteServerAndNominatesAtOnce) {
  IceControllingAgent agent(kClient, kServer, kT0);
  IceLiteServer server(kServer, kT0);
  server.set_remote_ufrag(kClient.ufrag);
  EXPECT_TRUE(round_trip(agent, server, kT0));
  EXPECT_EQ(agent.state(), IceControllingAgent::State::kConnected);
  EXPECT_EQ(agent.mapped_address(), kClientAddr);
  EXPECT_EQ(server.state(), IceState::kConnected);
  EXPECT_EQ(server.nominated(), kClientAddr);
}

TEST(IceControllingAgent, RetransmitsUntilAnswered) {
  IceControllingAgent agent(kClient, kServer, kT0, 50ms);
  ASSERT_TRUE(agent.poll(kT0));  // lost
  EXPECT_FALSE(agent.poll(kT0 + 49ms));
  EXPECT_EQ(agent.next_timeout(), kT0 + 50ms);
  EXPECT_TRUE(agent.poll(kT0 + 50ms));
}

TEST(IceControllingAgent, IgnoresAResponseWithTheWrongIntegrity) {
  IceControllingAgent agent(kClient, kServer, kT0);
  IceLiteServer impostor({kServer.ufrag, "some-other-password-xxxxx"}, kT0);
  const auto check = agent.poll(kT0);
  ASSERT_TRUE(check);
  // The impostor cannot verify the check, and cannot forge a response either.
  stun::StunMessage fake(stun::MessageClass::kSuccessResponse, stun::kMethodBinding,
                         stun::StunMessage::parse(*check)->transaction_id());
  fake.add_xor_mapped_address(kClientAddr);
  fake.add_message_integrity(as_bytes("some-other-password-xxxxx"));
  fake.add_fingerprint();
  EXPECT_FALSE(agent.handle_response(*stun::StunMessage::parse(fake.bytes()), kT0));
  EXPECT_EQ(agent.state(), IceControllingAgent::State::kChecking);
}

TEST(IceControllingAgent, SendsConsentChecksEveryFourToSixSeconds) {
  IceControllingAgent agent(kClient, kServer, kT0);
  IceLiteServer server(kServer, kT0);
  ASSERT_TRUE(round_trip(agent, server, kT0));
  EXPECT_FALSE(agent.poll(kT0 + 3999ms));
  const auto next = agent.next_timeout();
  ASSERT_TRUE(next);
  EXPECT_GE(*next, kT0 + 4s);
  EXPECT_LE(*next, kT0 + 6s);
  EXPECT_TRUE(round_trip(agent, server, *next));
}

TEST(IceControllingAgent, FailsWhenConsentIsLost) {
  IceControllingAgent agent(kClient, kServer, kT0);
  IceLiteServer server(kServer, kT0);
  ASSERT_TRUE(round_trip(agent, server, kT0));
  for (auto t = kT0 + 1s; t < kT0 + 30s; t += 1s) (void)agent.poll(t);  // all lost
  EXPECT_EQ(agent.state(), IceControllingAgent::State::kConnected);
  (void)agent.poll(kT0 + 30s);
  EXPECT_EQ(agent.state(), IceControllingAgent::State::kFailed);
}

}  // namespace
}  // namespace umbra::rtc::ice
