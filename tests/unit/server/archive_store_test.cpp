#include "server/archive_store.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include "crypto/random.h"

namespace umbra::server {
namespace {

class ArchiveStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("umbra-archive-store-test-" + std::to_string(crypto::random_u64()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static ArchiveRecord record(std::string id, std::string session, std::int64_t created_at) {
    ArchiveRecord a;
    a.id = std::move(id);
    a.session_id = std::move(session);
    a.name = "n";
    a.created_at_ms = created_at;
    return a;
  }

  std::filesystem::path dir_;
};

TEST_F(ArchiveStoreTest, RecordsSurviveReopening) {
  {
    auto sessions = SessionStore::open(dir_);
    ASSERT_TRUE(sessions.ok()) << sessions.error();
    auto store = ArchiveStore::open(**sessions);
    ASSERT_TRUE(store.ok()) << store.error();
    auto a = record("arc_a", "ses_1", 10);
    a.has_audio = false;
    ASSERT_TRUE((*store)->insert(a).ok());
    a.state = ArchiveState::kStopped;
    a.reason = "requested";
    a.stopped_at_ms = 20;
    a.streams = {{"str_1", "video", "str_1-video.webm", 5, 15, "recorded", ""}};
    ASSERT_TRUE((*store)->update(a).ok());
  }
  auto sessions = SessionStore::open(dir_);
  ASSERT_TRUE(sessions.ok());
  auto store = ArchiveStore::open(**sessions);
  ASSERT_TRUE(store.ok());
  const auto a = (*store)->find("arc_a");
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(a->has_audio);
  EXPECT_TRUE(a->has_video);
  EXPECT_EQ(a->state, ArchiveState::kStopped);
  EXPECT_EQ(a->reason, "requested");
  EXPECT_TRUE(a->error.empty());
  EXPECT_EQ(a->stopped_at_ms, 20);
  ASSERT_EQ(a->streams.size(), 1u);
  EXPECT_EQ(a->streams[0].duration_ms, 15);
}

TEST_F(ArchiveStoreTest, ListsNewestFirstPerSessionOrAll) {
  auto sessions = SessionStore::open(dir_);
  ASSERT_TRUE(sessions.ok());
  auto store = ArchiveStore::open(**sessions);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->insert(record("arc_1", "ses_a", 1)).ok());
  ASSERT_TRUE((*store)->insert(record("arc_2", "ses_b", 2)).ok());
  ASSERT_TRUE((*store)->insert(record("arc_3", "ses_a", 3)).ok());
  const auto of_a = (*store)->list("ses_a", 10, 0);
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_EQ(of_a[0].id, "arc_3");
  EXPECT_EQ(of_a[1].id, "arc_1");
  EXPECT_EQ((*store)->count("ses_a"), 2u);
  EXPECT_EQ((*store)->count(""), 3u);
  const auto page = (*store)->list("", 1, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "arc_2");
  EXPECT_TRUE((*store)->remove("arc_2"));
  EXPECT_FALSE((*store)->remove("arc_2"));
  EXPECT_EQ((*store)->count(""), 2u);
}

TEST_F(ArchiveStoreTest, RunningListsOnlyStartedAndStopping) {
  auto sessions = SessionStore::open(dir_);
  ASSERT_TRUE(sessions.ok());
  auto store = ArchiveStore::open(**sessions);
  ASSERT_TRUE(store.ok());
  auto started = record("arc_s", "ses", 1);
  auto stopping = record("arc_g", "ses", 2);
  stopping.state = ArchiveState::kStopping;
  auto stopped = record("arc_d", "ses", 3);
  stopped.state = ArchiveState::kStopped;
  for (const auto& a : {started, stopping, stopped}) ASSERT_TRUE((*store)->insert(a).ok());
  const auto running = (*store)->running();
  ASSERT_EQ(running.size(), 2u);
  EXPECT_EQ(running[0].id, "arc_s");
  EXPECT_EQ(running[1].id, "arc_g");
}

TEST_F(ArchiveStoreTest, UpdatingAnUnknownArchiveIsAnError) {
  auto sessions = SessionStore::open(dir_);
  ASSERT_TRUE(sessions.ok());
  auto store = ArchiveStore::open(**sessions);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->update(record("arc_none", "ses", 1)).ok());
}

// A database written by the previous umbra (schema 1, sessions only) is upgraded in place at open:
// its sessions stay, the archives table appears.
TEST_F(ArchiveStoreTest, ASchemaOneDatabaseIsMigrated) {
  std::filesystem::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "umbra.db").c_str(), &db), SQLITE_OK);
  const char* v1 = R"sql(
    CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      media_mode TEXT NOT NULL CHECK (media_mode IN ('routed', 'relayed')),
      e2ee INTEGER NOT NULL CHECK (e2ee IN (0, 1)),
      archive_mode TEXT NOT NULL CHECK (archive_mode IN ('manual', 'always')),
      created_at INTEGER NOT NULL,
      room TEXT);
    CREATE INDEX sessions_created_at ON sessions (created_at DESC);
    CREATE UNIQUE INDEX sessions_room ON sessions (room) WHERE room IS NOT NULL;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO sessions VALUES ('ses_old', 'routed', 0, 'always', 5, NULL);
    PRAGMA user_version = 1;)sql";
  char* message = nullptr;
  ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
  sqlite3_close(db);

  auto sessions = SessionStore::open(dir_);
  ASSERT_TRUE(sessions.ok()) << sessions.error();
  const auto old = (*sessions)->find("ses_old");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->archive_mode, ArchiveMode::kAlways);
  auto store = ArchiveStore::open(**sessions);
  ASSERT_TRUE(store.ok()) << store.error();
  ASSERT_TRUE((*store)->insert(record("arc_new", "ses_old", 6)).ok());
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2((*sessions)->database(), "PRAGMA user_version", -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), SessionStore::kSchemaVersion);
  sqlite3_finalize(stmt);
}

}  // namespace
}  // namespace umbra::server
