#include "rtc/ice/ice_lite_server.h"

#include <gtest/gtest.h>

#include <cctype>

namespace umbra::rtc::ice {
namespace {

using namespace std::chrono_literals;
using stun::MessageClass;
using stun::StunMessage;

const TimePoint kT0 = TimePoint{} + 100s;
const Credentials kServer{"srvU", "server-password-0123456789"};
const Credentials kServer2{"srvV", "server-password-abcdefghij"};
const stun::Address kBrowser = stun::Address::ipv4({192, 168, 1, 20}, 54321);
const stun::Address kBrowserMoved = stun::Address::ipv4({10, 0, 0, 7}, 40000);

struct Check {
  std::string username = "srvU:brwA";
  std::string pwd = kServer.pwd;
  bool use_candidate = false;
  bool controlled = false;
  bool integrity = true;
  MessageClass cls = MessageClass::kRequest;
};

StunMessage make_check(const Check& c, std::uint8_t id = 1) {
  stun::TransactionId tid{};
  tid.fill(id);
  StunMessage m(c.cls, stun::kMethodBinding, tid);
  m.add_username(c.username);
  m.add_priority(0x6e7f00ff);
  if (c.controlled) {
    m.add_ice_controlled(42);
  } else {
    m.add_ice_controlling(42);
  }
  if (c.use_candidate) m.add_use_candidate();
  if (c.integrity) m.add_message_integrity(as_bytes(c.pwd));
  m.add_fingerprint();
  // As received from the wire.
  return StunMessage::parse(m.bytes()).value();
}

StunMessage parse_response(const CheckResult& r) {
  auto parsed = StunMessage::parse(r.response);
  EXPECT_TRUE(parsed);
  return std::move(parsed).value();
}

int error_code(const CheckResult& r) {
  const auto code = parse_response(r).error_code();
  return code ? code->code : 0;
}

TEST(IceLiteServer, AnswersAValidCheckWithMappedAddressIntegrityAndFingerprint) {
  IceLiteServer ice(kServer, kT0);
  const auto check = make_check({}, 9);
  const auto r = ice.handle_request(check, kBrowser, kT0);
  ASSERT_EQ(r.outcome, CheckResult::Outcome::kAccepted);
  const auto response = parse_response(r);
  EXPECT_EQ(response.message_class(), MessageClass::kSuccessResponse);
  EXPECT_EQ(response.transaction_id(), check.transaction_id());
  EXPECT_EQ(response.xor_mapped_address(), kBrowser);
  EXPECT_EQ(response.check_integrity(as_bytes(kServer.pwd)), stun::IntegrityCheck::kOk);
  EXPECT_TRUE(response.check_fingerprint());
  EXPECT_FALSE(r.nominated);
  EXPECT_EQ(ice.state(), IceState::kNew);
}

TEST(IceLiteServer, UseCandidateNominatesTheSource) {
  IceLiteServer ice(kServer, kT0);
  const auto r = ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  EXPECT_TRUE(r.nominated);
  EXPECT_EQ(ice.state(), IceState::kConnected);
  EXPECT_EQ(ice.nominated(), kBrowser);
  EXPECT_FALSE(ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0).nominated)
      << "the same address again changes nothing";
}

TEST(IceLiteServer, FollowsANewerNominationFromAnotherAddress) {
  IceLiteServer ice(kServer, kT0);
  (void)ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  (void)ice.handle_request(make_check({}), kBrowserMoved, kT0 + 1s);
  EXPECT_EQ(ice.nominated(), kBrowser) << "a check without USE-CANDIDATE does not move media";
  EXPECT_TRUE(ice.handle_request(make_check({.use_candidate = true}), kBrowserMoved, kT0 + 2s).nominated);
  EXPECT_EQ(ice.nominated(), kBrowserMoved);
}

TEST(IceLiteServer, RejectsAWrongPasswordWithUnauthenticated) {
  IceLiteServer ice(kServer, kT0);
  const auto r = ice.handle_request(make_check({.pwd = "not-the-password-at-all!!", .use_candidate = true}),
                                    kBrowser, kT0);
  EXPECT_EQ(r.outcome, CheckResult::Outcome::kRejected);
  EXPECT_EQ(error_code(r), 401);
  EXPECT_FALSE(parse_response(r).has(stun::attr::kMessageIntegrity));
  EXPECT_FALSE(ice.nominated());
}

TEST(IceLiteServer, RejectsAnotherTransportsUfrag) {
  IceLiteServer ice(kServer, kT0);
  EXPECT_EQ(error_code(ice.handle_request(make_check({.username = "zzzz:brwA"}), kBrowser, kT0)), 401);
}

TEST(IceLiteServer, RejectsAWrongRemoteUfragOnceKnown) {
  IceLiteServer ice(kServer, kT0);
  ice.set_remote_ufrag("brwB");
  EXPECT_EQ(error_code(ice.handle_request(make_check({}), kBrowser, kT0)), 401);
  EXPECT_EQ(ice.handle_request(make_check({.username = "srvU:brwB"}), kBrowser, kT0).outcome,
            CheckResult::Outcome::kAccepted);
}

TEST(IceLiteServer, RejectsACheckWithoutIntegrityAsBadRequest) {
  IceLiteServer ice(kServer, kT0);
  EXPECT_EQ(error_code(ice.handle_request(make_check({.integrity = false}), kBrowser, kT0)), 400);
}

TEST(IceLiteServer, AnswersAControlledPeerWithRoleConflict) {
  IceLiteServer ice(kServer, kT0);
  const auto r = ice.handle_request(make_check({.use_candidate = true, .controlled = true}), kBrowser, kT0);
  EXPECT_EQ(error_code(r), 487);
  EXPECT_EQ(parse_response(r).check_integrity(as_bytes(kServer.pwd)), stun::IntegrityCheck::kOk);
  EXPECT_FALSE(ice.nominated());
}

TEST(IceLiteServer, IgnoresIndicationsAndResponses) {
  IceLiteServer ice(kServer, kT0);
  EXPECT_EQ(ice.handle_request(make_check({.cls = MessageClass::kIndication}), kBrowser, kT0).outcome,
            CheckResult::Outcome::kIgnored);
  EXPECT_EQ(ice.handle_request(make_check({.cls = MessageClass::kSuccessResponse}), kBrowser, kT0).outcome,
            CheckResult::Outcome::kIgnored);
}

TEST(IceLiteServer, ChecksKeepConsentAlive) {
  IceLiteServer ice(kServer, kT0);
  (void)ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  (void)ice.handle_request(make_check({}), kBrowser, kT0 + 20s);
  EXPECT_FALSE(ice.handle_timeout(kT0 + 49s));
  EXPECT_EQ(ice.next_timeout(), kT0 + 50s);
  EXPECT_EQ(ice.state(), IceState::kConnected);
}

TEST(IceLiteServer, ClosesWhenChecksStopFor30Seconds) {
  IceLiteServer ice(kServer, kT0);
  (void)ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  EXPECT_TRUE(ice.handle_timeout(kT0 + 30s));
  EXPECT_EQ(ice.state(), IceState::kClosed);
  EXPECT_FALSE(ice.handle_timeout(kT0 + 31s)) << "closing is reported once";
  EXPECT_EQ(ice.handle_request(make_check({}), kBrowser, kT0 + 31s).outcome, CheckResult::Outcome::kIgnored);
  EXPECT_FALSE(ice.next_timeout());
}

TEST(IceLiteServer, ClosesATransportThatNeverGetsACheck) {
  IceLiteServer ice(kServer, kT0);
  EXPECT_TRUE(ice.handle_timeout(kT0 + 30s));
}

TEST(IceLiteServer, RestartKeepsTheOldCredentialsUntilTheNewOnesAreUsed) {
  IceLiteServer ice(kServer, kT0);
  ice.set_remote_ufrag("brwA");
  (void)ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  ice.restart(kServer2, "brwZ");
  EXPECT_EQ(ice.local(), kServer2);
  // A consent check in flight with the old credentials still works.
  EXPECT_EQ(ice.handle_request(make_check({}), kBrowser, kT0 + 1s).outcome, CheckResult::Outcome::kAccepted);
  const Check fresh{.username = "srvV:brwZ", .pwd = kServer2.pwd, .use_candidate = true};
  const auto r = ice.handle_request(make_check(fresh), kBrowserMoved, kT0 + 2s);
  EXPECT_EQ(r.outcome, CheckResult::Outcome::kAccepted);
  EXPECT_EQ(parse_response(r).check_integrity(as_bytes(kServer2.pwd)), stun::IntegrityCheck::kOk);
  EXPECT_EQ(ice.nominated(), kBrowserMoved);
  EXPECT_EQ(error_code(ice.handle_request(make_check({}), kBrowser, kT0 + 3s)), 401)
      << "the old credentials are gone once the new ones were used";
}

TEST(IceLiteServer, NominatedAddressSurvivesARestartUntilRenominated) {
  IceLiteServer ice(kServer, kT0);
  (void)ice.handle_request(make_check({.use_candidate = true}), kBrowser, kT0);
  ice.restart(kServer2, "brwZ");
  EXPECT_EQ(ice.nominated(), kBrowser);
  EXPECT_EQ(ice.state(), IceState::kConnected);
}

TEST(IceCredentials, AreRandomAndLongEnough) {
  const auto a = generate_credentials();
  const auto b = generate_credentials();
  EXPECT_NE(a, b);
  EXPECT_GE(a.ufrag.size(), 4u);
  EXPECT_GE(a.pwd.size(), 22u);
  for (const char c : a.ufrag + a.pwd) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << c;
  }
}

TEST(IceCredentials, SplitsAUsernameIntoReceiverAndSenderUfrag) {
  const auto parts = split_username("srvU:brwA");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->local, "srvU");
  EXPECT_EQ(parts->remote, "brwA");
  EXPECT_FALSE(split_username("nocolon"));
  EXPECT_FALSE(split_username(":x"));
  EXPECT_FALSE(split_username("x:"));
}

}  // namespace
}  // namespace umbra::rtc::ice
