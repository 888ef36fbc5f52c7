#include "server/archive_store.h"

#include "server/sqlite_statement.h"

namespace umbra::server {

using sqlite::Statement;
using sqlite::Use;

namespace {

constexpr const char* kColumns =
    "id, session_id, name, has_audio, has_video, status, reason, error, created_at, stopped_at, streams";

ArchiveRecord read_row(const Use& use) {
  ArchiveRecord r;
  r.id = use.column_text(0);
  r.session_id = use.column_text(1);
  r.name = use.column_text(2);
  r.has_audio = use.column_int(3) != 0;
  r.has_video = use.column_int(4) != 0;
  r.state = parse_archive_state(use.column_text(5)).value_or(ArchiveState::kFailed);
  r.reason = use.column_text(6);
  r.error = use.column_text(7);
  r.created_at_ms = use.column_int(8);
  if (!use.column_is_null(9)) r.stopped_at_ms = use.column_int(9);
  r.streams = streams_from_column(use.column_text(10));
  return r;
}

// Binds ?1..?11 in kColumns order.
void bind_all(Use& use, const ArchiveRecord& a) {
  use.text(1, a.id)
      .text(2, a.session_id)
      .text(3, a.name)
      .integer(4, a.has_audio ? 1 : 0)
      .integer(5, a.has_video ? 1 : 0)
      .text(6, archive_state_name(a.state))
      .text(11, streams_to_column(a.streams))
      .integer(9, a.created_at_ms);
  if (!a.reason.empty()) use.text(7, a.reason);
  if (!a.error.empty()) use.text(8, a.error);
  if (a.stopped_at_ms) use.integer(10, *a.stopped_at_ms);
}

}  // namespace

struct ArchiveStore::Impl {
  sqlite3* db = nullptr;
  Statement insert, update, find, list, list_session, count, count_session, running, remove;
};

ArchiveStore::ArchiveStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ArchiveStore::~ArchiveStore() = default;

Result<std::unique_ptr<ArchiveStore>, std::string> ArchiveStore::open(SessionStore& sessions) {
  auto impl = std::make_unique<Impl>();
  sqlite3* db = sessions.database();
  impl->db = db;
  const std::string cols = kColumns;
  impl->insert = Statement(
      db,
      ("INSERT INTO archives (" + cols + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)").c_str());
  impl->update = Statement(db,
                           "UPDATE archives SET status = ?6, reason = ?7, error = ?8, stopped_at = ?10, "
                           "streams = ?11 WHERE id = ?1");
  impl->find = Statement(db, ("SELECT " + cols + " FROM archives WHERE id = ?1").c_str());
  impl->list = Statement(
      db, ("SELECT " + cols + " FROM archives ORDER BY created_at DESC, id LIMIT ?1 OFFSET ?2").c_str());
  impl->list_session = Statement(db, ("SELECT " + cols +
                                      " FROM archives WHERE session_id = ?3 ORDER BY created_at DESC, id "
                                      "LIMIT ?1 OFFSET ?2")
                                         .c_str());
  impl->count = Statement(db, "SELECT count(*) FROM archives");
  impl->count_session = Statement(db, "SELECT count(*) FROM archives WHERE session_id = ?1");
  impl->running = Statement(
      db,
      ("SELECT " + cols + " FROM archives WHERE status IN ('started', 'stopping') ORDER BY created_at, id")
          .c_str());
  impl->remove = Statement(db, "DELETE FROM archives WHERE id = ?1");
  for (const Statement* s : {&impl->insert, &impl->update, &impl->find, &impl->list, &impl->list_session,
                             &impl->count, &impl->count_session, &impl->running, &impl->remove}) {
    if (!s->valid()) {
      return err("archive store in " + sessions.path().string() + ": cannot prepare statements (" +
                 sqlite::message(db) + ")");
    }
  }
  return std::unique_ptr<ArchiveStore>(new ArchiveStore(std::move(impl)));
}

Result<void, std::string> ArchiveStore::insert(const ArchiveRecord& archive) {
  Use use(impl_->insert);
  bind_all(use, archive);
  if (use.step() != SQLITE_DONE) return err(sqlite::message(impl_->db));
  return {};
}

Result<void, std::string> ArchiveStore::update(const ArchiveRecord& archive) {
  Use use(impl_->update);
  bind_all(use, archive);
  if (use.step() != SQLITE_DONE) return err(sqlite::message(impl_->db));
  if (sqlite3_changes(impl_->db) == 0) return err(std::string("no archive ") + archive.id + " in the store");
  return {};
}

std::optional<ArchiveRecord> ArchiveStore::find(std::string_view id) {
  Use use(impl_->find);
  use.text(1, id);
  if (use.step() != SQLITE_ROW) return std::nullopt;
  return read_row(use);
}

std::vector<ArchiveRecord> ArchiveStore::list(std::string_view session_id, std::size_t limit,
                                              std::size_t offset) {
  std::vector<ArchiveRecord> out;
  Use use(session_id.empty() ? impl_->list : impl_->list_session);
  use.integer(1, static_cast<std::int64_t>(limit)).integer(2, static_cast<std::int64_t>(offset));
  if (!session_id.empty()) use.text(3, session_id);
  while (use.step() == SQLITE_ROW) out.push_back(read_row(use));
  return out;
}

std::size_t ArchiveStore::count(std::string_view session_id) {
  Use use(session_id.empty() ? impl_->count : impl_->count_session);
  if (!session_id.empty()) use.text(1, session_id);
  if (use.step() != SQLITE_ROW) return 0;
  return static_cast<std::size_t>(use.column_int(0));
}

std::vector<ArchiveRecord> ArchiveStore::running() {
  std::vector<ArchiveRecord> out;
  Use use(impl_->running);
  while (use.step() == SQLITE_ROW) out.push_back(read_row(use));
  return out;
}

bool ArchiveStore::remove(std::string_view id) {
  Use use(impl_->remove);
  use.text(1, id);
  return use.step() == SQLITE_DONE && sqlite3_changes(impl_->db) > 0;
}

}  // namespace umbra::server
