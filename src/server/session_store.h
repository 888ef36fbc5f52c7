// Durable session storage: one SQLite database (WAL) under --data-dir. A restart keeps every session; a
// store that cannot be opened, read or written is a start-up error with a message that says which file
// and why — never a silent fresh start over someone's data.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/session_record.h"

struct sqlite3;

namespace umbra::server {

class SessionStore {
 public:
  // Creates the directory and the database if needed. The error is a sentence for the operator.
  static Result<std::unique_ptr<SessionStore>, std::string> open(const std::filesystem::path& data_dir);

  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  Result<void, std::string> insert(const SessionRecord& session);
  std::optional<SessionRecord> find(std::string_view id);
  std::optional<SessionRecord> find_by_room(std::string_view room);
  // Newest first.
  std::vector<SessionRecord> list(std::size_t limit, std::size_t offset);
  std::size_t count();
  bool remove(std::string_view id);

  const std::filesystem::path& path() const { return path_; }
  // The open database, for the other stores that keep their tables in it (ArchiveStore).
  sqlite3* database() const;

  // 1: sessions. 2: archives (a version-1 file is upgraded in place at open).
  static constexpr int kSchemaVersion = 2;

 private:
  struct Impl;
  SessionStore(std::unique_ptr<Impl> impl, std::filesystem::path path);
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

}  // namespace umbra::server
