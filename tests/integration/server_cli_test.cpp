// The `umbra` binary's server-facing commands as real processes.
#include <array>
#include <cstdio>

#include "server_test_support.h"

namespace umbra::server::testing {
namespace {

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& command) {
  Run result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(ServerCli, TokenCreateMintsAVerifiableTokenOffline) {
  const auto r = run(std::string(UMBRA_CLI_PATH) +
                     " token create --session ses_cli --role moderator --ttl 2h --data hello"
                     " --api-key testkey --api-secret testsecret");
  ASSERT_EQ(r.status, 0) << r.out;
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  const auto claims = verify_client_token(token, kTestCreds, now_seconds());
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->session_id, "ses_cli");
  EXPECT_EQ(claims->role, Role::kModerator);
  EXPECT_EQ(claims->data, "hello");
  EXPECT_GE(claims->expires_at, now_seconds() + 7100);
}

TEST(ServerCli, TokenCreateRefusesBadRoleAndTtl) {
  const std::string base = std::string(UMBRA_CLI_PATH) + " token create --session s --dev";
  EXPECT_EQ(run(base + " --role admin").status, 1);
  EXPECT_EQ(run(base + " --ttl 31d").status, 1);
}

TEST(ServerCli, SessionCreateCallsTheRestApi) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto r = run(std::string(UMBRA_CLI_PATH) + " session create --mode routed --e2ee --url " +
                     server.url() + " --api-key testkey --api-secret testsecret");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto body = json::parse(r.out);
  EXPECT_EQ(body["e2ee"], true);
  EXPECT_EQ(server.call("GET", "/v1/sessions/" + body["sessionId"].get<std::string>()).status, 200);

  const auto refused = run(std::string(UMBRA_CLI_PATH) + " session create --mode relayed --e2ee --url " +
                           server.url() + " --api-key testkey --api-secret testsecret");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.out.find("e2ee_requires_routed"), std::string::npos);
}

TEST(ServerCli, ServeWithoutCredentialsSaysWhatIsMissing) {
  const auto r = run("env -u UMBRA_API_KEY -u UMBRA_API_SECRET " + std::string(UMBRA_CLI_PATH) + " serve");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("--api-key"), std::string::npos);
}

TEST(ServerCli, ServeRefusesADownloadUrlLifetimeOutsideOneSecondToAWeek) {
  const std::string base =
      std::string(UMBRA_CLI_PATH) + " serve --dev --no-router --data-dir /nonexistent/umbra-cli";
  for (const char* ttl : {"0", "604801", "soon"}) {
    const auto r = run(base + " --download-url-ttl " + ttl);
    EXPECT_EQ(r.status, 1) << ttl << ": " << r.out;
    EXPECT_NE(r.out.find("--download-url-ttl"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace umbra::server::testing
