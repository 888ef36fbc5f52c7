// An archive (a recording) of a routed session, as the server reports it in `joined` and in the
// archiveStarted / archiveStopped events (docs/protocol.md) and in /v1/archives (docs/rest-api.md).
// Archives are started and stopped by the application's server through the REST API (or by
// `archiveMode: "always"`); clients only learn about them, so they can show that they are recorded.

// started → (stopping) → stopped | failed.
export type ArchiveStatus = 'started' | 'stopping' | 'stopped' | 'failed';

// Why an archive stopped: `requested` (POST /v1/archives/{id}/stop), `last_stream_left`
// (archiveMode "always"), `session_ended`, `storage_failed` (see `error`), `interrupted` (the
// server stopped while recording; the files are kept).
export type ArchiveStopReason = 'requested' | 'last_stream_left' | 'session_ended' | 'storage_failed' | 'interrupted';

export interface ArchiveStream {
  streamId: string;
  kind: 'audio' | 'video';
  // Where to download the file (project authentication, like the rest of /v1).
  url: string;
  // Milliseconds from the archive's start to this file's first frame, and the file's length.
  startOffset: number;
  duration: number;
  state: 'recording' | 'recorded' | 'no_media' | 'failed';
  error: string | null;
}

export interface Archive {
  id: string;
  sessionId: string;
  name: string;
  hasAudio: boolean;
  hasVideo: boolean;
  outputMode: 'individual';
  status: ArchiveStatus;
  // null while the archive runs.
  reason: ArchiveStopReason | null;
  // What went wrong (status "failed"), else null.
  error: string | null;
  // Milliseconds since the Unix epoch (server clock); stoppedAt is null while it runs.
  createdAt: number;
  stoppedAt: number | null;
  // One entry per recorded file; may be empty in events (the REST API has the full list).
  streams: ArchiveStream[];
}

const kStatuses: readonly string[] = ['started', 'stopping', 'stopped', 'failed'];
const kReasons: readonly string[] = ['requested', 'last_stream_left', 'session_ended', 'storage_failed', 'interrupted'];
const kStreamStates: readonly string[] = ['recording', 'recorded', 'no_media', 'failed'];

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function parseArchiveStream(v: unknown): ArchiveStream | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const streamId = str(o['streamId']);
  if (streamId === '') return null;
  const state = str(o['state']);
  return {
    streamId,
    kind: o['kind'] === 'audio' ? 'audio' : 'video',
    url: str(o['url']),
    startOffset: num(o['startOffset']),
    duration: num(o['duration']),
    state: (kStreamStates.includes(state) ? state : 'recording') as ArchiveStream['state'],
    error: typeof o['error'] === 'string' ? o['error'] : null,
  };
}

// null for anything that is not an archive (e.g. `"archive": null` in `joined`: nothing is recorded).
export function parseArchive(v: unknown): Archive | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const id = str(o['id']);
  if (id === '') return null;
  const status = str(o['status']);
  const reason = str(o['reason']);
  const streams: ArchiveStream[] = [];
  if (Array.isArray(o['streams'])) {
    for (const raw of o['streams']) {
      const s = parseArchiveStream(raw);
      if (s) streams.push(s);
    }
  }
  return {
    id,
    sessionId: str(o['sessionId']),
    name: str(o['name']),
    hasAudio: o['hasAudio'] !== false,
    hasVideo: o['hasVideo'] !== false,
    outputMode: 'individual',
    status: (kStatuses.includes(status) ? status : 'started') as ArchiveStatus,
    reason: kReasons.includes(reason) ? (reason as ArchiveStopReason) : null,
    error: typeof o['error'] === 'string' && o['error'] !== '' ? o['error'] : null,
    createdAt: num(o['createdAt']),
    stoppedAt: typeof o['stoppedAt'] === 'number' ? o['stoppedAt'] : null,
    streams,
  };
}

// Whether an archive is still recording (what `session.archive` holds).
export function isRunning(archive: Archive): boolean {
  return archive.status === 'started' || archive.status === 'stopping';
}
