#include "server/session_store.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <fstream>

#include "crypto/random.h"

namespace umbra::server {
namespace {

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("umbra-store-test-" + std::to_string(crypto::random_u64()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static SessionRecord record(std::string id, std::int64_t created_at) {
    SessionRecord r;
    r.id = std::move(id);
    r.media_mode = MediaMode::kRouted;
    r.e2ee = true;
    r.created_at_ms = created_at;
    return r;
  }

  std::filesystem::path dir_;
};

TEST_F(SessionStoreTest, SessionsSurviveReopening) {
  {
    auto store = SessionStore::open(dir_);
    ASSERT_TRUE(store.ok()) << store.error();
    ASSERT_TRUE((*store)->insert(record("ses_a", 1)).ok());
    auto relayed = record("ses_b", 2);
    relayed.media_mode = MediaMode::kRelayed;
    relayed.e2ee = false;
    relayed.room = "lobby";
    ASSERT_TRUE((*store)->insert(relayed).ok());
  }
  auto store = SessionStore::open(dir_);
  ASSERT_TRUE(store.ok()) << store.error();
  EXPECT_EQ((*store)->count(), 2u);
  const auto a = (*store)->find("ses_a");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->e2ee);
  EXPECT_EQ(a->media_mode, MediaMode::kRouted);
  const auto b = (*store)->find_by_room("lobby");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->id, "ses_b");
  EXPECT_EQ(b->media_mode, MediaMode::kRelayed);
}

TEST_F(SessionStoreTest, ListsNewestFirstWithPaging) {
  auto store = SessionStore::open(dir_);
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*store)->insert(record("ses_" + std::to_string(i), i)).ok());
  const auto page = (*store)->list(2, 1);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, "ses_3");
  EXPECT_EQ(page[1].id, "ses_2");
}

TEST_F(SessionStoreTest, DuplicateIdIsAnError) {
  auto store = SessionStore::open(dir_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->insert(record("ses_a", 1)).ok());
  EXPECT_FALSE((*store)->insert(record("ses_a", 2)).ok());
}

TEST_F(SessionStoreTest, RemoveDeletesOnlyThatSession) {
  auto store = SessionStore::open(dir_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->insert(record("ses_a", 1)).ok());
  ASSERT_TRUE((*store)->insert(record("ses_b", 1)).ok());
  EXPECT_TRUE((*store)->remove("ses_a"));
  EXPECT_FALSE((*store)->remove("ses_a"));
  EXPECT_FALSE((*store)->find("ses_a").has_value());
  EXPECT_TRUE((*store)->find("ses_b").has_value());
}

TEST_F(SessionStoreTest, CorruptFileIsAClearStartupError) {
  std::filesystem::create_directories(dir_);
  {
    std::ofstream out(dir_ / "umbra.db", std::ios::binary);
    out << std::string(8192, 'x');
  }
  const auto store = SessionStore::open(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("umbra.db"), std::string::npos);
  EXPECT_NE(store.error().find("not a readable Umbra database"), std::string::npos);
  // The bad file is left for the operator, never replaced by an empty database.
  EXPECT_EQ(std::filesystem::file_size(dir_ / "umbra.db"), 8192u);
}

TEST_F(SessionStoreTest, DataDirThatIsAFileIsAClearStartupError) {
  { std::ofstream out(dir_); }
  const auto store = SessionStore::open(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("cannot use data directory"), std::string::npos);
}

void write_sqlite(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(SessionStoreTest, NewerSchemaVersionIsRefused) {
  std::filesystem::create_directories(dir_);
  write_sqlite(dir_ / "umbra.db", "CREATE TABLE sessions (id TEXT); PRAGMA user_version = 99;");
  const auto store = SessionStore::open(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("newer"), std::string::npos);
}

TEST_F(SessionStoreTest, ForeignSqliteDatabaseIsLeftAlone) {
  std::filesystem::create_directories(dir_);
  write_sqlite(dir_ / "umbra.db", "CREATE TABLE photos (id INTEGER);");
  const auto store = SessionStore::open(dir_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("refusing"), std::string::npos);
}

}  // namespace
}  // namespace umbra::server
