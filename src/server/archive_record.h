// An archive as it is stored (ArchiveStore) and as the REST API and the archiveStarted/archiveStopped
// events show it (docs/rest-api.md "Archives"). The router's RecordingReport is folded into it by
// apply_report, so every file's fate ends up in the record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "server/media_router.h"

namespace umbra::server {

// started → stopping (stop asked, files still being finished) → stopped; any of them → failed.
enum class ArchiveState { kStarted, kStopping, kStopped, kFailed };
std::string_view archive_state_name(ArchiveState state);
std::optional<ArchiveState> parse_archive_state(std::string_view name);

struct ArchiveRecord {
  std::string id;  // "arc_" + 22 base64url characters
  std::string session_id;
  std::string name;
  bool has_audio = true;
  bool has_video = true;
  ArchiveState state = ArchiveState::kStarted;
  std::string reason;  // archive::stop_reason_name, empty = null
  std::string error;   // empty = null
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> stopped_at_ms;
  std::vector<RecordedStream> streams;  // RecordedStream::file is the name inside the archive's directory

  // Started or stopping: files may still be written.
  bool running() const { return state == ArchiveState::kStarted || state == ArchiveState::kStopping; }
  const RecordedStream* stream_with_file(std::string_view file) const;
};

// A fresh random archive id: "arc_" + 22 base64url characters (128 bits).
std::string new_archive_id();

// The REST/event shape. `with_streams` is false in events (the list can be long and changes often).
nlohmann::json archive_json(const ArchiveRecord& archive, bool with_streams = true);
// The streams column: RecordedStream as JSON, and back (entries that do not parse are skipped).
std::string streams_to_column(const std::vector<RecordedStream>& streams);
std::vector<RecordedStream> streams_from_column(std::string_view text);

// Folds a router report into the record. A report still "started" after a stop was asked keeps the
// record "stopping"; "stopped"/"failed" with `finished` ends it. Returns true when the record changed
// from running to ended (stopped or failed).
bool apply_report(ArchiveRecord& archive, const RecordingReport& report, std::int64_t now_ms);

// The record of an archive that was running when the server stopped: failed, reason "interrupted";
// streams still "recording" become failed with the same note. False if it was not running.
bool mark_interrupted(ArchiveRecord& archive, std::int64_t now_ms);

inline constexpr std::string_view kInterruptedMessage =
    "the server stopped while recording; the files are kept and play up to that point";
// The archive's error once start-up repaired every file the stop cut (archive::repair_webm).
inline constexpr std::string_view kInterruptedRepairedMessage =
    "the server stopped while recording; its files were repaired and play up to that point";

// What reading an interrupted entry's file found (archive::probe_webm, done by ArchiveService when
// the file could not be repaired).
struct InterruptedFile {
  bool exists = false;
  bool readable = false;  // a WebM header could be read; false with `why` for garbage or an empty file
  std::int64_t duration_ms = 0;
  std::int64_t packets = 0;
  // Not readable: the probe's error. Readable: why the repair failed, if it was tried (else empty).
  std::string why;
};

// Settles an entry mark_interrupted failed whose file could not be repaired: the state stays "failed"
// (the file has no seek index or container duration), `duration` becomes what the file really plays
// (0 if nothing), and `error` says which case it is: "interrupted: the file plays N.N s ... remux it",
// nothing playable, or missing.
void apply_interrupted_file(RecordedStream& stream, const InterruptedFile& file);

// Settles an entry whose file start-up repaired (archive::repair_webm: rewritten whole, with its
// duration and cues): "recorded", as after a stop, with the real `duration`; `error` keeps the story:
// "interrupted: cut by a server stop and repaired; the file plays N.N s ...".
void apply_repaired_file(RecordedStream& stream, std::int64_t duration_ms);

}  // namespace umbra::server
