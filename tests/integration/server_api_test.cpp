// The REST API of a real server over real HTTP.
#include <fstream>

#include "raw_http_client.h"
#include "server/base64url.h"
#include "server/jwt.h"
#include "server_test_support.h"

namespace umbra::server::testing {
namespace {

std::string error_code(const HttpClientResponse& r) {
  const auto body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "<no error body>";
  return body["error"]["code"];
}

TEST(ServerApi, RefusesRequestsWithoutValidProjectJwt) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto missing = server.call("GET", "/v1/sessions", "", "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_code(missing), "missing_token");

  const auto wrong_secret =
      server.call("GET", "/v1/sessions", "", mint_project_token({"testkey", "wrong"}, now_seconds()));
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(error_code(wrong_secret), "invalid_signature");

  const auto wrong_issuer =
      server.call("GET", "/v1/sessions", "", mint_project_token({"otherkey", "testsecret"}, now_seconds()));
  EXPECT_EQ(error_code(wrong_issuer), "invalid_issuer");

  const auto expired =
      server.call("GET", "/v1/sessions", "", mint_project_token(kTestCreds, now_seconds() - 600, 60));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(error_code(expired), "token_expired");

  const auto too_long =
      server.call("GET", "/v1/sessions", "", mint_project_token(kTestCreds, now_seconds(), 3600));
  EXPECT_EQ(error_code(too_long), "token_lifetime_too_long");

  const json claims = {{"iss", "testkey"}, {"iat", now_seconds()}, {"exp", now_seconds() + 60}};
  const std::string none =
      base64url_encode(as_bytes(R"({"alg":"none"})")) + "." + base64url_encode(as_bytes(claims.dump())) + ".";
  const auto alg_none = server.call("GET", "/v1/sessions", "", none);
  EXPECT_EQ(alg_none.status, 401);
  EXPECT_EQ(error_code(alg_none), "unsupported_algorithm");

  const auto garbage = server.call("GET", "/v1/sessions", "", "not.a.jwt");
  EXPECT_EQ(error_code(garbage), "malformed_token");
}

// docs/rest-api.md "Authentication": a jti makes a project JWT single-use; one without may be reused.
TEST(ServerApi, AProjectJwtWithAJtiWorksOnceAndOneWithoutKeepsWorking) {
  TempDir dir;
  RunningServer server(dir.path());
  const std::string once = mint_project_token(kTestCreds, now_seconds());
  EXPECT_EQ(server.call("GET", "/v1/sessions", "", once).status, 200);
  const auto replayed = server.call("GET", "/v1/sessions", "", once);
  EXPECT_EQ(replayed.status, 401);
  EXPECT_EQ(error_code(replayed), "token_replayed");
  EXPECT_EQ(server.call("GET", "/v1/sessions").status, 200) << "a fresh jti still works";

  const json claims = {{"iss", "testkey"}, {"iat", now_seconds()}, {"exp", now_seconds() + 60}};
  const std::string reusable = jwt_sign_hs256(claims.dump(), kTestCreds.secret);
  EXPECT_EQ(server.call("GET", "/v1/sessions", "", reusable).status, 200);
  EXPECT_EQ(server.call("GET", "/v1/sessions", "", reusable).status, 200);
}

TEST(ServerApi, CreatesAndGetsAnE2eeSessionWithCapabilities) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto created = server.call("POST", "/v1/sessions", R"({"mediaMode":"routed","e2ee":true})");
  ASSERT_EQ(created.status, 201);
  const auto session = json::parse(created.body);
  EXPECT_TRUE(session["sessionId"].get<std::string>().starts_with("ses_"));
  EXPECT_EQ(session["mediaMode"], "routed");
  EXPECT_EQ(session["e2ee"], true);
  EXPECT_EQ(session["archiveMode"], "manual");

  const auto fetched = server.call_json("GET", "/v1/sessions/" + session["sessionId"].get<std::string>());
  EXPECT_EQ(fetched["sessionId"], session["sessionId"]);
  EXPECT_FALSE(fetched["capabilities"]["archiving"]["available"]);
  EXPECT_EQ(fetched["capabilities"]["archiving"]["reason"],
            "the router cannot decode end-to-end encrypted media");
  EXPECT_FALSE(fetched["capabilities"]["sip"]["available"]);
  EXPECT_TRUE(fetched["capabilities"]["e2ee"]["available"]);
}

TEST(ServerApi, RelayedSessionsSayArchivingNeedsRouted) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto session = server.call_json("POST", "/v1/sessions", {{"mediaMode", "relayed"}});
  EXPECT_EQ(session["capabilities"]["archiving"]["code"], "routed_required");
}

TEST(ServerApi, RefusesE2eeWithRelayedOrAlwaysArchived) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto relayed = server.call("POST", "/v1/sessions", R"({"mediaMode":"relayed","e2ee":true})");
  EXPECT_EQ(relayed.status, 400);
  EXPECT_EQ(error_code(relayed), "e2ee_requires_routed");
  const auto archived =
      server.call("POST", "/v1/sessions", R"({"mediaMode":"routed","e2ee":true,"archiveMode":"always"})");
  EXPECT_EQ(archived.status, 400);
  EXPECT_EQ(error_code(archived), "e2ee_unsupported");
  const auto bad_mode = server.call("POST", "/v1/sessions", R"({"mediaMode":"p2p"})");
  EXPECT_EQ(error_code(bad_mode), "invalid_media_mode");
  const auto bad_json = server.call("POST", "/v1/sessions", "{nope");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(error_code(bad_json), "invalid_json");
}

TEST(ServerApi, ListsSessionsNewestFirst) {
  TempDir dir;
  RunningServer server(dir.path());
  server.create_session();
  const auto second = server.create_session();
  const auto list = server.call_json("GET", "/v1/sessions?limit=1");
  EXPECT_EQ(list["total"], 2);
  ASSERT_EQ(list["sessions"].size(), 1u);
  EXPECT_EQ(list["sessions"][0]["sessionId"], second);
}

// Both list routes share one paging rule: limit 1..1000, offset a non-negative integer.
TEST(ServerApi, ListRoutesRefuseBadPaging) {
  TempDir dir;
  RunningServer server(dir.path());
  for (const std::string route : {"/v1/sessions", "/v1/archives"}) {
    for (const std::string limit : {"0", "1001", "-1", "ten", "1234567890"}) {
      const auto r = server.call("GET", route + "?limit=" + limit);
      EXPECT_EQ(r.status, 400) << route << " limit=" << limit;
      EXPECT_EQ(error_code(r), "invalid_limit") << route << " limit=" << limit;
    }
    const auto r = server.call("GET", route + "?offset=x");
    EXPECT_EQ(r.status, 400) << route;
    EXPECT_EQ(error_code(r), "invalid_offset") << route;
    EXPECT_EQ(server.call("GET", route + "?limit=1000&offset=5").status, 200) << route;
  }
}

TEST(ServerApi, UnknownSessionIs404) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto r = server.call("GET", "/v1/sessions/ses_nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code(r), "session_not_found");
}

TEST(ServerApi, MintsClientTokensThatVerify) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto id = server.create_session();
  const auto r =
      server.call("POST", "/v1/sessions/" + id + "/tokens", R"({"role":"moderator","ttl":120,"data":"x"})");
  ASSERT_EQ(r.status, 201);
  const auto body = json::parse(r.body);
  const auto claims = verify_client_token(body["token"].get<std::string>(), kTestCreds, now_seconds());
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->session_id, id);
  EXPECT_EQ(claims->role, Role::kModerator);
  EXPECT_EQ(claims->data, "x");

  const auto bad_role = server.call("POST", "/v1/sessions/" + id + "/tokens", R"({"role":"admin"})");
  EXPECT_EQ(error_code(bad_role), "invalid_role");
  const auto too_long = server.call("POST", "/v1/sessions/" + id + "/tokens", R"({"ttl":2592001})");
  EXPECT_EQ(error_code(too_long), "invalid_ttl");
  const auto big_data =
      server.call("POST", "/v1/sessions/" + id + "/tokens", json({{"data", std::string(1001, 'd')}}).dump());
  EXPECT_EQ(error_code(big_data), "data_too_long");
}

TEST(ServerApi, OversizedBodyIs413) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto r = server.call("POST", "/v1/sessions", std::string(70 * 1024, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_code(r), "payload_too_large");
  const auto metrics = server.call("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("umbra_http_responses_total{status=\"413\"} 1\n"), std::string::npos) << metrics;
}

TEST(ServerApi, MetricsArePrometheusText) {
  TempDir dir;
  RunningServer server(dir.path());
  server.create_session();
  const auto r = server.call("GET", "/metrics", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.content_type.starts_with("text/plain"));
  EXPECT_NE(r.body.find("# TYPE umbra_sessions_stored gauge\numbra_sessions_stored 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("umbra_router_packets_in_total"), std::string::npos);
  // Without a media router: no rooms, nothing dropped, but the series exist for dashboards.
  EXPECT_NE(r.body.find("# TYPE umbra_router_rooms gauge\numbra_router_rooms 0\n"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE umbra_router_recording_packets_dropped_total counter\n"
                        "umbra_router_recording_packets_dropped_total 0\n"),
            std::string::npos);
}

TEST(ServerApi, RestartKeepsSessions) {
  TempDir dir;
  std::string id;
  {
    RunningServer server(dir.path());
    id = server.create_session("routed");
  }
  RunningServer restarted(dir.path());
  const auto r = restarted.call("GET", "/v1/sessions/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["mediaMode"], "routed");
}

TEST(ServerApi, CorruptStoreIsAStartupError) {
  TempDir dir;
  {
    std::ofstream out(dir.path() / "umbra.db");
    out << std::string(4096, 'z');
  }
  ServerOptions options;
  options.http_port = 0;
  options.data_dir = dir.path();
  options.credentials = kTestCreds;
  const auto started = Server::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().find("umbra.db"), std::string::npos);
}

TEST(ServerApi, ServesSdkAndDemoButNothingOutsideWebRoot) {
  TempDir dir;
  TempDir web;
  std::filesystem::create_directories(web.path() / "dist");
  std::filesystem::create_directories(web.path() / "demo");
  std::ofstream(web.path() / "dist" / "umbra.js") << "export const x = 1;\n";
  std::ofstream(web.path() / "demo" / "index.html") << "<!doctype html><title>demo</title>\n";
  std::ofstream(web.path() / "secret.txt") << "do not serve\n";
  RunningServer server(dir.path(), web.path());

  const auto sdk = server.call("GET", "/sdk/umbra.js", "", "");
  EXPECT_EQ(sdk.status, 200);
  EXPECT_EQ(sdk.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(sdk.body, "export const x = 1;\n");
  const auto index = server.call("GET", "/", "", "");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(server.call("GET", "/dist/umbra.js", "", "").status, 200);

  for (const std::string path : {"/sdk/../secret.txt", "/sdk/%2e%2e/secret.txt", "/demo/..%2fsecret.txt",
                                 "/sdk/..%5csecret.txt", "/secret.txt", "/sdk/", "/demo//index.html"}) {
    const auto r = server.call("GET", path, "", "");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("do not serve"), std::string::npos) << path;
  }
}

TEST(ServerApi, StaticFilesAnswerHeadWithTheirLengthAndServeByteRanges) {
  TempDir dir;
  TempDir web;
  std::filesystem::create_directories(web.path() / "dist");
  std::ofstream(web.path() / "dist" / "umbra.js") << "0123456789";
  RunningServer server(dir.path(), web.path());

  const auto head = raw_http(server.port(), "HEAD", "/sdk/umbra.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "10") << "HEAD says how long the GET would be";
  EXPECT_EQ(head.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(head.header("Accept-Ranges"), "bytes");
  EXPECT_TRUE(head.body.empty());

  const auto whole = raw_http(server.port(), "GET", "/sdk/umbra.js");
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.body, "0123456789");

  const auto part = raw_http(server.port(), "GET", "/sdk/umbra.js", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.header("Content-Range"), "bytes 2-4/10");
  EXPECT_EQ(part.header("Content-Length"), "3");
  EXPECT_EQ(part.body, "234");

  const auto past = raw_http(server.port(), "GET", "/sdk/umbra.js", {{"Range", "bytes=10-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("Content-Range"), "bytes */10");

  const auto several = raw_http(server.port(), "GET", "/sdk/umbra.js", {{"Range", "bytes=0-1,4-5"}});
  EXPECT_EQ(several.status, 200) << "several ranges are ignored";
  EXPECT_EQ(several.body, "0123456789");
}

TEST(ServerApi, DemoJoinReusesOneSessionPerRoom) {
  TempDir dir;
  RunningServer plain(dir.path());
  EXPECT_EQ(plain.call("POST", "/demo/rooms/lobby/join", R"({"displayName":"Ann"})", "").status, 404);

  TempDir dir2;
  RunningServer server(dir2.path(), {}, /*demo=*/true);
  const auto first =
      json::parse(server.call("POST", "/demo/rooms/lobby/join", R"({"displayName":"Ann"})", "").body);
  const auto second =
      json::parse(server.call("POST", "/demo/rooms/lobby/join", R"({"displayName":"Bob"})", "").body);
  EXPECT_EQ(first["sessionId"], second["sessionId"]);
  EXPECT_EQ(first["mediaMode"], "relayed");
  const auto claims = verify_client_token(second["token"].get<std::string>(), kTestCreds, now_seconds());
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(json::parse(claims->data)["displayName"], "Bob");
  const auto other = json::parse(
      server.call("POST", "/demo/rooms/stage/join", R"({"displayName":"Cy","mediaMode":"routed"})", "").body);
  EXPECT_NE(other["sessionId"], first["sessionId"]);
  EXPECT_EQ(other["mediaMode"], "routed");
  EXPECT_EQ(server.call("POST", "/demo/rooms/bad%20name/join", "{}", "").status, 400);
}

}  // namespace
}  // namespace umbra::server::testing
