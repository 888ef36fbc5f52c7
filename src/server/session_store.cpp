#include "server/session_store.h"

#include <sqlite3.h>

#include <chrono>
#include <system_error>

#include "server/sqlite_statement.h"

namespace umbra::server {
namespace {

using sqlite::Statement;
using sqlite::Use;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

std::string sqlite_message(sqlite3* db) {
  return db ? sqlite3_errmsg(db) : "out of memory";
}

bool exec(sqlite3* db, const char* sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    error = message ? message : sqlite_message(db);
    sqlite3_free(message);
    return false;
  }
  return true;
}

// Runs a single-row, single-column query.
std::optional<std::string> query_text(sqlite3* db, const char* sql, std::string& error) {
  Statement s(db, sql);
  if (!s.valid()) {
    error = sqlite_message(db);
    return std::nullopt;
  }
  Use use(s);
  if (use.step() != SQLITE_ROW) {
    error = sqlite_message(db);
    return std::nullopt;
  }
  return use.column_text(0);
}

constexpr const char* kSchemaV1 = R"sql(
  CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    media_mode   TEXT NOT NULL CHECK (media_mode IN ('routed', 'relayed')),
    e2ee         INTEGER NOT NULL CHECK (e2ee IN (0, 1)),
    archive_mode TEXT NOT NULL CHECK (archive_mode IN ('manual', 'always')),
    created_at   INTEGER NOT NULL,
    room         TEXT
  );
  CREATE INDEX sessions_created_at ON sessions (created_at DESC);
  CREATE UNIQUE INDEX sessions_room ON sessions (room) WHERE room IS NOT NULL;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  PRAGMA user_version = 1;
)sql";

// Version 2 (issue 6): archive records (ArchiveStore). Archives outlive their session on purpose (no
// foreign key): the files and the record stay until DELETE /v1/archives/{id}.
constexpr const char* kSchemaV2 = R"sql(
  CREATE TABLE archives (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    has_audio   INTEGER NOT NULL CHECK (has_audio IN (0, 1)),
    has_video   INTEGER NOT NULL CHECK (has_video IN (0, 1)),
    status      TEXT NOT NULL CHECK (status IN ('started', 'stopping', 'stopped', 'failed')),
    reason      TEXT,
    error       TEXT,
    created_at  INTEGER NOT NULL,
    stopped_at  INTEGER,
    streams     TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX archives_created_at ON archives (created_at DESC);
  CREATE INDEX archives_session ON archives (session_id, created_at DESC);
  PRAGMA user_version = 2;
)sql";

// Runs one schema step in its own transaction; the error says which step failed.
bool migrate(sqlite3* db, const char* sql, std::string& error) {
  if (!exec(db, "BEGIN IMMEDIATE", error)) return false;
  if (!exec(db, sql, error)) {
    std::string ignored;
    exec(db, "ROLLBACK", ignored);
    return false;
  }
  return exec(db, "COMMIT", error);
}

constexpr const char* kColumns = "id, media_mode, e2ee, archive_mode, created_at, room";

SessionRecord read_row(const Use& use) {
  SessionRecord r;
  r.id = use.column_text(0);
  r.media_mode = parse_media_mode(use.column_text(1)).value_or(MediaMode::kRouted);
  r.e2ee = use.column_int(2) != 0;
  r.archive_mode = parse_archive_mode(use.column_text(3)).value_or(ArchiveMode::kManual);
  r.created_at_ms = use.column_int(4);
  r.room = use.column_text(5);
  return r;
}

}  // namespace

struct SessionStore::Impl {
  std::unique_ptr<sqlite3, DbCloser> db;
  Statement insert, find, find_by_room, list, count, remove;
};

SessionStore::SessionStore(std::unique_ptr<Impl> impl, std::filesystem::path path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

SessionStore::~SessionStore() = default;

sqlite3* SessionStore::database() const {
  return impl_->db.get();
}

Result<std::unique_ptr<SessionStore>, std::string> SessionStore::open(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec || !std::filesystem::is_directory(data_dir)) {
    return err("cannot use data directory " + data_dir.string() + ": " +
               (ec ? ec.message() : std::string("not a directory")));
  }
  const auto path = data_dir / "umbra.db";
  const std::string where = "session store " + path.string() + ": ";

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  sqlite3* db = raw;
  if (rc != SQLITE_OK) return err(where + "cannot open: " + sqlite_message(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 2000);

  std::string error;
  // The first statement to touch the file is where a corrupt or foreign file shows up (SQLITE_NOTADB).
  const auto mode = query_text(db, "PRAGMA journal_mode = WAL", error);
  if (!mode)
    return err(where + "not a readable Umbra database (" + error + "); move it away or restore a backup");
  if (*mode != "wal") return err(where + "cannot switch to WAL journal mode (got " + *mode + ")");
  const auto check = query_text(db, "PRAGMA quick_check", error);
  if (!check) return err(where + "integrity check failed to run (" + error + ")");
  if (*check != "ok")
    return err(where + "the database is corrupt (" + *check + "); move it away or restore a backup");
  if (!exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", error)) return err(where + error);

  const auto version_text = query_text(db, "PRAGMA user_version", error);
  if (!version_text) return err(where + "cannot read the schema version (" + error + ")");
  const int version = std::stoi(*version_text);
  if (version > kSchemaVersion) {
    return err(where + "schema version " + *version_text + " is newer than this umbra (" +
               std::to_string(kSchemaVersion) + "); upgrade umbra");
  }
  if (version == 0) {
    const auto tables = query_text(db, "SELECT count(*) FROM sqlite_master", error);
    if (!tables) return err(where + error);
    if (*tables != "0")
      return err(where + "the file holds tables but no Umbra schema version; refusing to touch it");
    if (!migrate(db, kSchemaV1, error)) return err(where + "cannot create the schema (" + error + ")");
  }
  if (version < 2) {
    if (!migrate(db, kSchemaV2, error))
      return err(where + "cannot upgrade the schema to version 2 (" + error + ")");
  }
  // A real write at start-up: a read-only file or full disk is found now, not at the first session.
  if (!exec(db,
            "INSERT INTO meta (key, value) VALUES ('last_open', strftime('%s','now')) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            error)) {
    return err(where + "not writable (" + error + ")");
  }

  const std::string cols = kColumns;
  impl->insert = Statement(db,
                           "INSERT INTO sessions (id, media_mode, e2ee, archive_mode, created_at, room) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  impl->find = Statement(db, ("SELECT " + cols + " FROM sessions WHERE id = ?1").c_str());
  impl->find_by_room = Statement(db, ("SELECT " + cols + " FROM sessions WHERE room = ?1").c_str());
  impl->list = Statement(
      db, ("SELECT " + cols + " FROM sessions ORDER BY created_at DESC, id LIMIT ?1 OFFSET ?2").c_str());
  impl->count = Statement(db, "SELECT count(*) FROM sessions");
  impl->remove = Statement(db, "DELETE FROM sessions WHERE id = ?1");
  for (const Statement* s :
       {&impl->insert, &impl->find, &impl->find_by_room, &impl->list, &impl->count, &impl->remove}) {
    if (!s->valid()) return err(where + "cannot prepare statements (" + sqlite_message(db) + ")");
  }
  return std::unique_ptr<SessionStore>(new SessionStore(std::move(impl), path));
}

Result<void, std::string> SessionStore::insert(const SessionRecord& session) {
  Use use(impl_->insert);
  use.text(1, session.id)
      .text(2, media_mode_name(session.media_mode))
      .integer(3, session.e2ee ? 1 : 0)
      .text(4, archive_mode_name(session.archive_mode))
      .integer(5, session.created_at_ms);
  if (!session.room.empty()) use.text(6, session.room);
  if (use.step() != SQLITE_DONE) return err(sqlite_message(impl_->db.get()));
  return {};
}

std::optional<SessionRecord> SessionStore::find(std::string_view id) {
  Use use(impl_->find);
  use.text(1, id);
  if (use.step() != SQLITE_ROW) return std::nullopt;
  return read_row(use);
}

std::optional<SessionRecord> SessionStore::find_by_room(std::string_view room) {
  Use use(impl_->find_by_room);
  use.text(1, room);
  if (use.step() != SQLITE_ROW) return std::nullopt;
  return read_row(use);
}

std::vector<SessionRecord> SessionStore::list(std::size_t limit, std::size_t offset) {
  std::vector<SessionRecord> out;
  Use use(impl_->list);
  use.integer(1, static_cast<std::int64_t>(limit)).integer(2, static_cast<std::int64_t>(offset));
  while (use.step() == SQLITE_ROW) out.push_back(read_row(use));
  return out;
}

std::size_t SessionStore::count() {
  Use use(impl_->count);
  if (use.step() != SQLITE_ROW) return 0;
  return static_cast<std::size_t>(use.column_int(0));
}

bool SessionStore::remove(std::string_view id) {
  Use use(impl_->remove);
  use.text(1, id);
  return use.step() == SQLITE_DONE && sqlite3_changes(impl_->db.get()) > 0;
}

}  // namespace umbra::server
