// Archive records in SQLite: the `archives` table of the session store's database (schema version 2,
// created by SessionStore::open). Every change to a record is written at once, so a crash loses at
// most the change being made; start-up finds what was running through `running()`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/archive_record.h"
#include "server/session_store.h"

namespace umbra::server {

class ArchiveStore {
 public:
  // Prepares the statements on the store's open database; the error is a sentence for the operator.
  static Result<std::unique_ptr<ArchiveStore>, std::string> open(SessionStore& sessions);

  ~ArchiveStore();
  ArchiveStore(const ArchiveStore&) = delete;
  ArchiveStore& operator=(const ArchiveStore&) = delete;

  Result<void, std::string> insert(const ArchiveRecord& archive);
  // Writes every mutable field (state, reason, error, stoppedAt, streams).
  Result<void, std::string> update(const ArchiveRecord& archive);
  std::optional<ArchiveRecord> find(std::string_view id);
  // Newest first; an empty session id lists every archive.
  std::vector<ArchiveRecord> list(std::string_view session_id, std::size_t limit, std::size_t offset);
  std::size_t count(std::string_view session_id);
  // Records still "started" or "stopping", oldest first.
  std::vector<ArchiveRecord> running();
  bool remove(std::string_view id);

 private:
  struct Impl;
  explicit ArchiveStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::server
