// Archives over real HTTP and WebSocket (docs/rest-api.md "Archives", docs/protocol.md "Archive
// events"): refusal codes, 404s and auth against an in-process server without a router, and the whole
// start → report → stop → download flow against a scripted router that answers like the real one.
#include <fstream>
#include <sstream>

#include "archive/webm_repair.h"
#include "archive/webm_writer.h"
#include "crypto/certificate.h"
#include "raw_http_client.h"
#include "router/router.h"
#include "server/archive_store.h"
#include "server/download_url.h"
#include "server/session_store.h"
#include "server_test_support.h"

namespace umbra::server::testing {
namespace {

// A router that records nothing but answers recording calls the way the real one does: completions
// posted to the control-plane thread, a first report with one recording stream, a final report on stop.
class ScriptedRecordingRouter final : public MediaRouter {
 public:
  // answers_stop = false: stop_recording is never answered (a router too slow to finish its files).
  ScriptedRecordingRouter(ControlPoster post, bool answers_stop)
      : post_(std::move(post)), answers_stop_(answers_stop) {}

  bool available() const override { return true; }
  void create_transport(const TransportOptions&, RouterCallback<TransportInfo> done) override {
    refuse(done);
  }
  void connect_transport(const std::string&, const DtlsParameters&,
                         RouterCallback<RouterDone> done) override {
    refuse(done);
  }
  void produce(const std::string&, const ProduceOptions&, RouterCallback<ProducerInfo> done) override {
    refuse(done);
  }
  void consume(const std::string&, const ConsumeOptions&, RouterCallback<ConsumerInfo> done) override {
    refuse(done);
  }
  void set_consumer_paused(const std::string&, bool) override {}
  void close_transport(const std::string&) override {}
  RouterStats stats() const override { return {}; }

  void start_recording(const RecordingOptions& options, RouterCallback<RecordingReport> done) override {
    // Writes the file as the real recorder would, so the download can be checked byte for byte.
    const auto dir = std::filesystem::path(options.archive_root) / options.archive_id;
    std::ofstream(dir / "str_test-video.webm", std::ios::binary) << kFileContent;
    RecordingReport report;
    report.archive_id = options.archive_id;
    report.room_id = options.room_id;
    report.status = "started";
    report.streams = {{"str_test", "video", "str_test-video.webm", 80, 0, "recording", ""}};
    post_([done = std::move(done), report] { done({report, {}}); });
  }
  void stop_recording(const std::string& archive_id, const std::string& reason,
                      RouterCallback<RecordingReport> done) override {
    if (!answers_stop_) return;
    RecordingReport report;
    report.archive_id = archive_id;
    report.status = "stopped";
    report.stop_reason = reason;
    report.finished = true;
    report.streams = {{"str_test", "video", "str_test-video.webm", 80, 4200, "recorded", ""}};
    post_([done = std::move(done), report] { done({report, {}}); });
  }
  void set_on_recording_update(std::function<void(const RecordingReport&)>) override {}
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)>) override {}

  static constexpr const char* kFileContent = "\x1a\x45\xdf\xa3 not really webm, but bytes to compare";

 private:
  template <class T>
  void refuse(RouterCallback<T>& done) {
    post_([done = std::move(done)] { done({std::nullopt, RouterError{"router_error", "scripted router"}}); });
  }
  ControlPoster post_;
  bool answers_stop_;
};

RouterFactory scripted_router(bool answers_stop = true) {
  return [answers_stop](ControlPoster post) -> Result<std::unique_ptr<MediaRouter>, std::string> {
    return std::unique_ptr<MediaRouter>(
        std::make_unique<ScriptedRecordingRouter>(std::move(post), answers_stop));
  };
}

RouterFactory real_router(const crypto::Certificate& certificate) {
  return [&certificate](ControlPoster post) -> Result<std::unique_ptr<MediaRouter>, std::string> {
    router::RouterOptions options;
    options.rtc_port = 0;
    options.workers = 1;
    return std::unique_ptr<MediaRouter>(
        std::make_unique<router::Router>(options, certificate, std::move(post)));
  };
}

std::string chromium_offer() {
  const auto path = std::filesystem::path(__FILE__).parent_path() / ".." / "unit" / "rtc" / "sdp" /
                    "chromium156_sendrecv_offer.sdp";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// GET until the archive is no longer "stopping" (the router finishes files on its own thread); the
// bound only keeps a broken router from hanging the test.
json wait_until_not_stopping(const RunningServer& server, const std::string& id) {
  json archive;
  for (int i = 0; i < 200; ++i) {
    archive = server.call_json("GET", "/v1/archives/" + id);
    if (archive["status"] != "stopping") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return archive;
}

json error_of(const HttpClientResponse& r) {
  return json::parse(r.body)["error"];
}

std::string create_session(const RunningServer& server, const json& body) {
  return server.call_json("POST", "/v1/sessions", body)["sessionId"];
}

// With a publisher joined over `client` (the scripted router records only while someone is in the
// room), starts an archive of `session` and stops it: on return `id` names an archive whose one file
// holds ScriptedRecordingRouter::kFileContent. Wrap in ASSERT_NO_FATAL_FAILURE.
void record_one_archive(const RunningServer& server, WsClient& client, const std::string& session,
                        std::string& id) {
  ASSERT_EQ(client.join(client_token(session, Role::kPublisher))["type"], "joined");
  const auto started = server.call("POST", "/v1/archives", json{{"sessionId", session}}.dump());
  ASSERT_EQ(started.status, 200) << started.body;
  id = json::parse(started.body)["id"].get<std::string>();
  ASSERT_EQ(server.call("POST", "/v1/archives/" + id + "/stop").status, 200);
  ASSERT_TRUE(client.read_until("archiveStopped").has_value());
}

TEST(ServerArchive, RoutesNeedAProjectJwt) {
  TempDir dir;
  RunningServer server(dir.path());
  EXPECT_EQ(server.call("POST", "/v1/archives", R"({"sessionId":"ses_x"})", "").status, 401);
  EXPECT_EQ(server.call("GET", "/v1/archives", "", "").status, 401);
  EXPECT_EQ(server.call("GET", "/v1/archives/arc_x/files/a.webm", "", "not-a-jwt").status, 401);
}

TEST(ServerArchive, RefusalsCarryTheDocumentedCodes) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto e2ee = create_session(server, {{"mediaMode", "routed"}, {"e2ee", true}});
  const auto relayed = create_session(server, {{"mediaMode", "relayed"}});
  const auto routed = create_session(server, {{"mediaMode", "routed"}});

  auto r = server.call("POST", "/v1/archives", json{{"sessionId", e2ee}}.dump());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r)["code"], "e2ee_unsupported");
  EXPECT_NE(
      error_of(r)["message"].get<std::string>().find("the router cannot decode end-to-end encrypted media"),
      std::string::npos);

  r = server.call("POST", "/v1/archives", json{{"sessionId", relayed}}.dump());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r)["code"], "routed_required");

  r = server.call("POST", "/v1/archives",
                  json{{"sessionId", routed}, {"hasAudio", false}, {"hasVideo", false}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["code"], "invalid_archive");

  // This server runs without a media router.
  r = server.call("POST", "/v1/archives", json{{"sessionId", routed}}.dump());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_of(r)["code"], "router_unavailable");

  r = server.call("POST", "/v1/archives", json{{"sessionId", "ses_nope"}}.dump());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_of(r)["code"], "session_not_found");

  EXPECT_EQ(error_of(server.call("POST", "/v1/archives", "[1]"))["code"], "invalid_json");
  EXPECT_EQ(error_of(server.call("POST", "/v1/archives", R"({"sessionId":7})"))["code"],
            "invalid_session_id");
  r = server.call("POST", "/v1/archives", json{{"sessionId", routed}, {"hasAudio", "yes"}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["code"], "invalid_archive");
  EXPECT_EQ(server.call_json("GET", "/v1/archives")["total"], 0);
}

TEST(ServerArchive, UnknownArchivesAre404) {
  TempDir dir;
  RunningServer server(dir.path());
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/archives/arc_none"},
           {"POST", "/v1/archives/arc_none/stop"},
           {"DELETE", "/v1/archives/arc_none"},
           {"GET", "/v1/archives/arc_none/files/str_a-video.webm"}}) {
    const auto r = server.call(method, path);
    EXPECT_EQ(r.status, 404) << method << ' ' << path;
    EXPECT_EQ(error_of(r)["code"], "archive_not_found") << method << ' ' << path;
  }
}

TEST(ServerArchive, RoutedSessionsSayArchivingIsAvailable) {
  TempDir dir;
  RunningServer server(dir.path());
  const auto session = server.call_json("POST", "/v1/sessions", {{"mediaMode", "routed"}});
  EXPECT_EQ(session["capabilities"]["archiving"]["available"], true);
}

TEST(ServerArchive, StartReportStopDownloadAndDelete) {
  TempDir dir;
  RunningServer server(dir.path(), {}, false, scripted_router());
  const auto session = create_session(server, {{"mediaMode", "routed"}});
  WsClient client(server.port());
  const auto joined = client.join(client_token(session, Role::kPublisher));
  ASSERT_EQ(joined["type"], "joined");
  EXPECT_TRUE(joined["archive"].is_null());

  const auto started =
      server.call("POST", "/v1/archives", json{{"sessionId", session}, {"name", "demo"}}.dump());
  ASSERT_EQ(started.status, 200) << started.body;
  const auto archive = json::parse(started.body);
  const std::string id = archive["id"];
  EXPECT_TRUE(id.starts_with("arc_"));
  EXPECT_EQ(archive["status"], "started");
  EXPECT_EQ(archive["outputMode"], "individual");
  const auto event = client.read_until("archiveStarted");
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ((*event)["archive"]["id"], id);

  WsClient late(server.port());
  const auto late_joined = late.join(client_token(session, Role::kSubscriber));
  EXPECT_EQ(late_joined["archive"]["id"], id) << "a late joiner sees the running archive";

  auto fetched = server.call_json("GET", "/v1/archives/" + id);
  ASSERT_EQ(fetched["streams"].size(), 1u);
  const std::string url = fetched["streams"][0]["url"];
  EXPECT_EQ(url, "/v1/archives/" + id + "/files/str_test-video.webm");

  EXPECT_EQ(error_of(server.call("DELETE", "/v1/archives/" + id))["code"], "archive_in_progress");
  EXPECT_EQ(error_of(server.call("POST", "/v1/archives", json{{"sessionId", session}}.dump()))["code"],
            "archive_in_progress");

  const auto stopped = server.call("POST", "/v1/archives/" + id + "/stop");
  ASSERT_EQ(stopped.status, 200);
  EXPECT_EQ(json::parse(stopped.body)["status"], "stopping");
  const auto stop_event = client.read_until("archiveStopped");
  ASSERT_TRUE(stop_event.has_value());
  EXPECT_EQ((*stop_event)["archive"]["reason"], "requested");
  // The final report is handled on the server's loop after the stop's answer; GET sees it then.
  fetched = server.call_json("GET", "/v1/archives/" + id);
  EXPECT_EQ(fetched["status"], "stopped");
  EXPECT_EQ(fetched["streams"][0]["state"], "recorded");
  EXPECT_EQ(fetched["streams"][0]["duration"], 4200);
  EXPECT_EQ(error_of(server.call("POST", "/v1/archives/" + id + "/stop"))["code"], "archive_not_running");

  const auto file = server.call("GET", url);
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.content_type, "video/webm");
  EXPECT_EQ(file.body, ScriptedRecordingRouter::kFileContent);
  EXPECT_EQ(server.call("GET", "/v1/archives/" + id + "/files/..%2F..%2Fumbra.db").status, 404);
  EXPECT_EQ(server.call("GET", "/v1/archives/" + id + "/files/../../umbra.db").status, 404);

  const auto listed = server.call_json("GET", "/v1/archives?sessionId=" + session);
  EXPECT_EQ(listed["total"], 1);
  EXPECT_EQ(listed["archives"][0]["id"], id);
  const auto metrics = server.call("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("umbra_archives_started_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("umbra_archives_running 0\n"), std::string::npos);

  EXPECT_EQ(server.call("DELETE", "/v1/archives/" + id).status, 204);
  EXPECT_EQ(server.call("GET", "/v1/archives/" + id).status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "archives" / id));
}

// Players seek in a recording and downloads resume: the file route honours Range (RFC 9110 section 14)
// and answers HEAD with the file's real length.
TEST(ServerArchive, ArchiveFilesServeByteRangesAndHead) {
  TempDir dir;
  RunningServer server(dir.path(), {}, false, scripted_router());
  const auto session = create_session(server, {{"mediaMode", "routed"}});
  WsClient client(server.port());
  std::string id;
  ASSERT_NO_FATAL_FAILURE(record_one_archive(server, client, session, id));
  const std::string url = server.call_json("GET", "/v1/archives/" + id)["streams"][0]["url"];

  const std::string content = ScriptedRecordingRouter::kFileContent;
  const std::string size = std::to_string(content.size());
  // A project JWT carries a jti, so each request gets its own.
  const auto auth = [] {
    return std::pair<std::string, std::string>{"Authorization",
                                               "Bearer " + mint_project_token(kTestCreds, now_seconds())};
  };
  const auto get = [&](std::vector<std::pair<std::string, std::string>> headers) {
    headers.push_back(auth());
    return raw_http(server.port(), "GET", url, headers);
  };

  const auto whole = get({});
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.body, content);

  const auto head = raw_http(server.port(), "HEAD", url, {auth()});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), size);
  EXPECT_EQ(head.header("Content-Type"), "video/webm");
  EXPECT_EQ(head.header("Accept-Ranges"), "bytes");
  EXPECT_TRUE(head.body.empty());

  const auto first = get({{"Range", "bytes=0-3"}});
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.header("Content-Range"), "bytes 0-3/" + size);
  EXPECT_EQ(first.header("Content-Length"), "4");
  EXPECT_EQ(first.body, content.substr(0, 4));

  const auto middle = get({{"Range", "bytes=5-10"}});
  EXPECT_EQ(middle.status, 206);
  EXPECT_EQ(middle.body, content.substr(5, 6));

  const auto rest = get({{"Range", "bytes=10-"}});
  EXPECT_EQ(rest.status, 206);
  EXPECT_EQ(rest.header("Content-Range"), "bytes 10-" + std::to_string(content.size() - 1) + "/" + size);
  EXPECT_EQ(rest.body, content.substr(10));

  const auto tail = get({{"Range", "bytes=-5"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, content.substr(content.size() - 5));

  const auto past = get({{"Range", "bytes=" + size + "-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("Content-Range"), "bytes */" + size);

  for (const std::string ignored : {"bytes=0-1,3-4", "bytes=4-2", "pages=1-2", "bytes=x"}) {
    const auto r = get({{"Range", ignored}});
    EXPECT_EQ(r.status, 200) << ignored;
    EXPECT_EQ(r.body, content) << ignored;
  }
  const auto if_range = get({{"Range", "bytes=0-3"}, {"If-Range", "\"stale\""}});
  EXPECT_EQ(if_range.status, 200) << "an If-Range naming another version gets the whole file";
  EXPECT_EQ(if_range.body, content);

  EXPECT_EQ(raw_http(server.port(), "HEAD", url).status, 401) << "HEAD needs the JWT like GET";

  // /metrics counts the status that went out, not the route's 200 before the Range was applied.
  const auto metrics = server.call("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("umbra_http_responses_total{status=\"206\"} 4\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("umbra_http_responses_total{status=\"416\"} 1\n"), std::string::npos) << metrics;
}

// Players and caches revalidate with If-None-Match, resumed downloads ask with If-Range
// (RFC 9110 section 13): both compare the file's ETag, which changes when the file does.
TEST(ServerArchive, ArchiveFilesCarryAnETagForRevalidationAndResumes) {
  TempDir dir;
  RunningServer server(dir.path(), {}, false, scripted_router());
  const auto session = create_session(server, {{"mediaMode", "routed"}});
  WsClient client(server.port());
  std::string id;
  ASSERT_NO_FATAL_FAILURE(record_one_archive(server, client, session, id));
  const std::string url = server.call_json("GET", "/v1/archives/" + id)["streams"][0]["url"];
  const std::string content = ScriptedRecordingRouter::kFileContent;
  const auto get = [&](std::vector<std::pair<std::string, std::string>> headers, const char* method = "GET") {
    headers.emplace_back("Authorization", "Bearer " + mint_project_token(kTestCreds, now_seconds()));
    return raw_http(server.port(), method, url, headers);
  };

  const auto whole = get({});
  ASSERT_EQ(whole.status, 200);
  const std::string etag = whole.header("ETag");
  ASSERT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"') << etag;
  EXPECT_EQ(get({}, "HEAD").header("ETag"), etag);
  EXPECT_EQ(get({{"Range", "bytes=0-3"}}).header("ETag"), etag) << "a part carries the whole file's tag";

  const auto not_modified = get({{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.header("ETag"), etag);
  EXPECT_EQ(get({{"If-None-Match", "W/" + etag}}).status, 304) << "If-None-Match compares weakly";
  EXPECT_EQ(get({{"If-None-Match", "\"old\", " + etag}}).status, 304);
  EXPECT_EQ(get({{"If-None-Match", "*"}}).status, 304);
  EXPECT_EQ(get({{"If-None-Match", etag}}, "HEAD").status, 304);
  const auto other = get({{"If-None-Match", "\"old\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, content);
  EXPECT_EQ(get({{"If-None-Match", etag}, {"Range", "bytes=0-3"}}).status, 304)
      << "If-None-Match is decided before Range";

  const auto resumed = get({{"Range", "bytes=4-"}, {"If-Range", etag}});
  EXPECT_EQ(resumed.status, 206);
  EXPECT_EQ(resumed.body, content.substr(4));
  const auto weak = get({{"Range", "bytes=4-"}, {"If-Range", "W/" + etag}});
  EXPECT_EQ(weak.status, 200) << "If-Range needs a strong match";
  EXPECT_EQ(weak.body, content);
  EXPECT_EQ(get({{"Range", "bytes=4-"}, {"If-Range", "Sat, 29 Oct 1994 19:43:31 GMT"}}).status, 200);

  // The file changes (here it grows): the old tag no longer matches anything.
  std::ofstream(dir.path() / "archives" / id / "str_test-video.webm", std::ios::app) << "more";
  const auto changed = get({{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, content + "more");
  EXPECT_NE(changed.header("ETag"), etag);
  const auto restarted = get({{"Range", "bytes=4-"}, {"If-Range", etag}});
  EXPECT_EQ(restarted.status, 200) << "a resume against the old version gets the new file whole";
  EXPECT_EQ(restarted.body, content + "more");

  const auto metrics = server.call("GET", "/metrics", "", "").body;
  EXPECT_NE(metrics.find("umbra_http_responses_total{status=\"304\"} 6\n"), std::string::npos) << metrics;
}

// An archive file's downloadUrl is its own credential: a <video src> can use it without the project JWT,
// for that file only and until it expires (docs/rest-api.md "downloadUrl").
TEST(ServerArchive, DownloadUrlServesTheFileWithoutAProjectJwt) {
  TempDir dir;
  RunningServer server(dir.path(), {}, false, scripted_router());
  const auto session = create_session(server, {{"mediaMode", "routed"}});
  WsClient client(server.port());
  std::string id;
  ASSERT_NO_FATAL_FAILURE(record_one_archive(server, client, session, id));
  const auto stream = server.call_json("GET", "/v1/archives/" + id)["streams"][0];
  const std::string url = stream["url"];
  const std::string download = stream["downloadUrl"];
  ASSERT_TRUE(download.starts_with(url + "?expires=")) << download;
  EXPECT_NE(download.find("&signature="), std::string::npos);
  const auto expires = std::stoll(download.substr(url.size() + 9));
  EXPECT_GE(expires, now_seconds() + 3600 - 5);
  EXPECT_LE(expires, now_seconds() + 3600);
  const auto listed = server.call_json("GET", "/v1/archives?sessionId=" + session);
  EXPECT_TRUE(listed["archives"][0]["streams"][0]["downloadUrl"].is_string()) << "lists carry it too";

  const std::string content = ScriptedRecordingRouter::kFileContent;
  const auto whole = raw_http(server.port(), "GET", download);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("Content-Type"), "video/webm");
  EXPECT_EQ(whole.body, content);
  const auto range = raw_http(server.port(), "GET", download, {{"Range", "bytes=2-5"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, content.substr(2, 4));
  const auto head = raw_http(server.port(), "HEAD", download);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(content.size()));
  EXPECT_EQ(raw_http(server.port(), "GET", download, {{"Authorization", "Bearer garbage"}}).status, 200)
      << "the signature decides; a stray Authorization header does not matter";

  const auto code_of = [](const RawHttpResponse& r) -> std::string {
    const auto body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.contains("error")) return "<none>";
    return body["error"]["code"];
  };
  const auto refused = [&](const std::string& target, const std::string& code, const std::string& why) {
    const auto r = raw_http(server.port(), "GET", target);
    EXPECT_EQ(r.status, 403) << why;
    EXPECT_EQ(code_of(r), code) << why;
    EXPECT_EQ(r.body.find(content), std::string::npos) << why;
  };
  const std::string query = download.substr(url.size());
  std::string flipped = download;
  char& changed = flipped[flipped.size() - 10];  // inside the signature, away from its trailing bits
  changed = changed == 'A' ? 'B' : 'A';
  refused(flipped, "invalid_signature", "a changed signature");
  refused(url + "?expires=" + std::to_string(expires + 3600) + query.substr(query.find('&')),
          "invalid_signature", "a later expires under the old signature");
  refused("/v1/archives/" + id + "/files/str_other-video.webm" + query, "invalid_signature",
          "another file's path under this signature");
  refused("/v1/archives/arc_AAAAAAAAAAAAAAAAAAAAAA/files/str_test-video.webm" + query, "invalid_signature",
          "another archive's path under this signature");
  refused(url + "?expires=" + std::to_string(expires), "invalid_signature", "no signature");
  refused(url + query + "x", "invalid_signature", "a signature with trailing garbage");
  const DownloadUrlSigner same_key(kTestCreds.secret, 60);
  refused(same_key.sign(url, now_seconds() - 3600), "url_expired", "a genuine URL whose time has passed");
  const DownloadUrlSigner other_secret("another secret", 3600);
  refused(other_secret.sign(url, now_seconds()), "invalid_signature", "signed under another API secret");

  EXPECT_EQ(raw_http(server.port(), "DELETE", download).status, 405) << "a download URL only reads";
  EXPECT_EQ(server.call("GET", "/v1/archives/" + id).status, 200) << "the archive is still there";
}

TEST(ServerArchive, DeletingTheSessionStopsItsArchive) {
  TempDir dir;
  RunningServer server(dir.path(), {}, false, scripted_router());
  const auto session = create_session(server, {{"mediaMode", "routed"}});
  const auto archive = server.call_json("POST", "/v1/archives", {{"sessionId", session}});
  EXPECT_EQ(server.call("DELETE", "/v1/sessions/" + session).status, 204);
  const auto fetched = server.call_json("GET", "/v1/archives/" + archive["id"].get<std::string>());
  EXPECT_EQ(fetched["reason"], "session_ended");
  EXPECT_EQ(fetched["status"], "stopped");
}

TEST(ServerArchive, AnUnwritableArchiveDirectoryIsAClearError) {
  TempDir dir;
  std::ofstream(dir.path() / "not-a-dir") << "x";
  ServerOptions options;
  options.http_port = 0;
  options.data_dir = dir.path();
  options.archive_dir = dir.path() / "not-a-dir";
  options.credentials = kTestCreds;
  auto started = Server::start(options, scripted_router());
  ASSERT_TRUE(started.ok()) << started.error();
  auto server = std::move(*started);
  std::thread loop([&] { server->run(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  const auto session = json::parse(http_request(url, "POST", "/v1/sessions", R"({"mediaMode":"routed"})",
                                                mint_project_token(kTestCreds, now_seconds()))
                                       ->body);
  const auto r = http_request(url, "POST", "/v1/archives", json{{"sessionId", session["sessionId"]}}.dump(),
                              mint_project_token(kTestCreds, now_seconds()));
  server->stop();
  loop.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  const auto error = json::parse(r->body)["error"];
  EXPECT_EQ(error["code"], "storage_unavailable");
  EXPECT_NE(error["message"].get<std::string>().find("not-a-dir"), std::string::npos);
}

TEST(ServerArchive, ARestartTurnsARecordStillStartedIntoInterrupted) {
  TempDir dir;
  { RunningServer first(dir.path()); }  // creates the database
  {
    // What a killed process leaves behind: a record still "started", a stream still "recording".
    auto sessions = SessionStore::open(dir.path());
    ASSERT_TRUE(sessions.ok()) << sessions.error();
    auto archives = ArchiveStore::open(**sessions);
    ASSERT_TRUE(archives.ok()) << archives.error();
    ArchiveRecord record;
    record.id = "arc_crashed";
    record.session_id = "ses_gone";
    record.created_at_ms = 1;
    record.streams = {{"str_a", "audio", "str_a-audio.webm", 0, 0, "recording", ""}};
    ASSERT_TRUE((*archives)->insert(record).ok());
  }
  RunningServer restarted(dir.path());
  const auto fetched = restarted.call_json("GET", "/v1/archives/arc_crashed");
  EXPECT_EQ(fetched["status"], "failed");
  EXPECT_EQ(fetched["reason"], "interrupted");
  EXPECT_NE(fetched["error"].get<std::string>().find("the server stopped while recording"),
            std::string::npos);
  EXPECT_EQ(fetched["streams"][0]["state"], "failed");
  EXPECT_FALSE(fetched["stoppedAt"].is_null());
}

// A graceful stop asks the router to finish every running archive and waits for its final report:
// the record says the archive stopped because the server did, with complete files and durations.
TEST(ServerArchive, AServerStoppedMidRecordingFinishesTheArchiveAsInterrupted) {
  TempDir dir;
  std::string id;
  {
    RunningServer server(dir.path(), {}, false, scripted_router());
    const auto session = create_session(server, {{"mediaMode", "routed"}});
    id = server.call_json("POST", "/v1/archives", {{"sessionId", session}})["id"];
  }
  RunningServer restarted(dir.path());
  const auto fetched = restarted.call_json("GET", "/v1/archives/" + id);
  EXPECT_EQ(fetched["status"], "stopped");
  EXPECT_EQ(fetched["reason"], "interrupted");
  EXPECT_EQ(fetched["streams"][0]["state"], "recorded");
  EXPECT_EQ(fetched["streams"][0]["duration"], 4200);
}

// A router that does not finish in time (the grace is a few seconds): the record still says what
// happened instead of staying "started".
TEST(ServerArchive, AServerStoppedWhileTheRouterCannotFinishLeavesAFailedInterruptedRecord) {
  TempDir dir;
  std::string id;
  {
    RunningServer server(dir.path(), {}, false, scripted_router(false));
    const auto session = create_session(server, {{"mediaMode", "routed"}});
    id = server.call_json("POST", "/v1/archives", {{"sessionId", session}})["id"];
  }
  RunningServer restarted(dir.path());
  const auto fetched = restarted.call_json("GET", "/v1/archives/" + id);
  EXPECT_EQ(fetched["status"], "failed");
  EXPECT_EQ(fetched["reason"], "interrupted");
  EXPECT_EQ(fetched["streams"][0]["state"], "failed");
}

TEST(ServerArchive, DemoRecordButtonEndpoints) {
  TempDir dir;
  {
    RunningServer plain(dir.path());
    EXPECT_EQ(plain.call("POST", "/demo/rooms/lobby/archives", "{}", "").status, 404);
  }
  TempDir dir2;
  RunningServer server(dir2.path(), {}, /*demo=*/true, scripted_router());
  auto r = server.call("POST", "/demo/rooms/lobby/archives", "{}", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_of(r)["code"], "session_not_found");
  ASSERT_EQ(server.call("POST", "/demo/rooms/lobby/join", "{}", "").status, 200);  // relayed by default
  r = server.call("POST", "/demo/rooms/lobby/archives", "{}", "");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r)["code"], "routed_required");

  ASSERT_EQ(server.call("POST", "/demo/rooms/stage/join", R"({"mediaMode":"routed"})", "").status, 200);
  r = server.call("POST", "/demo/rooms/stage/archives/stop", "", "");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r)["code"], "archive_not_running");
  r = server.call("POST", "/demo/rooms/stage/archives", R"({"name":"take 1"})", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["name"], "take 1");
  r = server.call("POST", "/demo/rooms/stage/archives/stop", "", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["status"], "stopping");
}

// archiveMode "always" through the real hub and media router: the routed publish (a real Chromium offer,
// no media sent) starts the archive, the unpublish stops it; the files' fate comes from the router.
TEST(ServerArchive, AlwaysModeWithTheRealRouterFollowsTheStreams) {
  const auto certificate = crypto::Certificate::generate("umbra-test");
  TempDir dir;
  RunningServer server(dir.path(), {}, false, real_router(certificate));
  const auto session = create_session(server, {{"mediaMode", "routed"}, {"archiveMode", "always"}});
  WsClient publisher(server.port());
  ASSERT_EQ(publisher.join(client_token(session, Role::kPublisher))["type"], "joined");
  const auto published =
      publisher.request({{"type", "publish"}, {"stream", {{"name", "cam"}}}, {"sdp", chromium_offer()}});
  ASSERT_EQ(published["type"], "response") << published.dump();

  const auto started = publisher.read_until("archiveStarted");
  ASSERT_TRUE(started.has_value());
  const std::string id = (*started)["archive"]["id"];
  EXPECT_EQ((*started)["archive"]["name"], "auto");
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "archives" / id));

  const auto unpublished = publisher.request({{"type", "unpublish"}, {"streamId", published["streamId"]}});
  ASSERT_EQ(unpublished["type"], "response") << unpublished.dump();
  const auto stopped = publisher.read_until("archiveStopped");
  ASSERT_TRUE(stopped.has_value());
  EXPECT_EQ((*stopped)["archive"]["id"], id);
  EXPECT_EQ((*stopped)["archive"]["reason"], "last_stream_left");

  const auto archive = wait_until_not_stopping(server, id);
  EXPECT_EQ(archive["status"], "stopped") << archive.dump();
  for (const auto& stream : archive["streams"]) EXPECT_NE(stream["state"], "recording") << archive.dump();
}

// A killed process leaves a WebM without its trailer (no duration in the header, no cues) and a record
// whose entry says 0 ms: the restart rewrites the file whole and shows what it really plays.
TEST(ServerArchive, ARestartRepairsAnInterruptedFile) {
  TempDir dir;
  { RunningServer first(dir.path()); }  // creates the database
  {
    const auto archive_dir = dir.path() / "archives" / "arc_probed";
    std::filesystem::create_directories(archive_dir);
    auto writer =
        archive::WebmWriter::create((archive_dir / "str_a-audio.webm").string(), archive::MediaKind::kAudio);
    ASSERT_TRUE(writer.ok()) << writer.error();
    const Bytes frame(40, 0xfc);  // 20 ms Opus frames, 3 s; destroyed without finish(): no trailer
    for (std::int64_t i = 0; i < 150; ++i) ASSERT_TRUE((*writer)->write(frame, i * 20, true, 20).ok());
  }
  {
    auto sessions = SessionStore::open(dir.path());
    ASSERT_TRUE(sessions.ok()) << sessions.error();
    auto archives = ArchiveStore::open(**sessions);
    ASSERT_TRUE(archives.ok()) << archives.error();
    ArchiveRecord record;
    record.id = "arc_probed";
    record.session_id = "ses_gone";
    record.created_at_ms = 1;
    record.streams = {{"str_a", "audio", "str_a-audio.webm", 0, 0, "recording", ""}};
    ASSERT_TRUE((*archives)->insert(record).ok());
  }
  RunningServer restarted(dir.path());
  const auto fetched = restarted.call_json("GET", "/v1/archives/arc_probed");
  EXPECT_EQ(fetched["status"], "failed") << "the recording itself was cut short";
  EXPECT_EQ(fetched["reason"], "interrupted");
  EXPECT_EQ(fetched["error"], std::string(kInterruptedRepairedMessage));
  const auto& stream = fetched["streams"][0];
  EXPECT_EQ(stream["state"], "recorded") << fetched.dump();
  EXPECT_GE(stream["duration"].get<std::int64_t>(), 2000) << fetched.dump();  // at most a cluster lost
  EXPECT_LE(stream["duration"].get<std::int64_t>(), 3000) << fetched.dump();
  EXPECT_EQ(stream["error"].get<std::string>().rfind("interrupted: cut by a server stop and repaired; ", 0),
            0u)
      << fetched.dump();
  // The served file is the repaired one: it now carries its trailer.
  const auto served = restarted.call("GET", "/v1/archives/arc_probed/files/str_a-audio.webm");
  EXPECT_EQ(served.status, 200);
  const auto on_disk = dir.path() / "archives" / "arc_probed" / "str_a-audio.webm";
  EXPECT_EQ(served.body.size(), std::filesystem::file_size(on_disk));
  const auto again = archive::repair_webm(on_disk.string());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(again->cut) << again->why;
  EXPECT_EQ(again->duration_ms, stream["duration"].get<std::int64_t>());
}

}  // namespace
}  // namespace umbra::server::testing
