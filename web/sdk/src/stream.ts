// The session's participants and their published streams as the application sees them. Objects are
// kept up to date in place (a Stream's hasAudio flips when its publisher mutes), so applications can
// hold on to them; ids are opaque strings (docs/protocol.md section 3).

export type Role = 'subscriber' | 'publisher' | 'publisheronly' | 'moderator';
export type VideoType = 'camera' | 'screen';
export type MediaMode = 'routed' | 'relayed';

export interface VideoDimensions {
  width: number;
  height: number;
}

export interface Connection {
  readonly connectionId: string;
  // The `data` claim of the participant's token (the application's own data, e.g. a display name).
  readonly data: string;
  readonly role: Role;
  readonly createdAt: number;
}

export interface Stream {
  readonly streamId: string;
  readonly connection: Connection;
  name: string;
  hasAudio: boolean;
  hasVideo: boolean;
  videoType: VideoType;
  videoDimensions: VideoDimensions | null;
  readonly createdAt: number;
}

export interface SessionInfo {
  sessionId: string;
  mediaMode: MediaMode;
  e2ee: boolean;
  archiveMode: string;
  createdAt: number;
  capabilities: Record<string, unknown>;
}

const kRoles: readonly string[] = ['subscriber', 'publisher', 'publisheronly', 'moderator'];

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function parseDimensions(v: unknown): VideoDimensions | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const width = num(o['width']);
  const height = num(o['height']);
  return width > 0 && height > 0 ? { width, height } : null;
}

export function parseConnection(v: unknown): Connection | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const connectionId = str(o['connectionId']);
  if (connectionId === '') return null;
  const role = str(o['role'], 'publisher');
  return {
    connectionId,
    data: str(o['data']),
    role: (kRoles.includes(role) ? role : 'publisher') as Role,
    createdAt: num(o['createdAt']),
  };
}

// `lookup` resolves the stream's connectionId to the Connection object the session already holds, so
// `stream.connection === connectionCreatedEvent.connection`.
export function parseStream(v: unknown, lookup: (connectionId: string) => Connection): Stream | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const streamId = str(o['streamId']);
  const connectionId = str(o['connectionId']);
  if (streamId === '' || connectionId === '') return null;
  return {
    streamId,
    connection: lookup(connectionId),
    name: str(o['name']),
    hasAudio: o['hasAudio'] === true,
    hasVideo: o['hasVideo'] === true,
    videoType: o['videoType'] === 'screen' ? 'screen' : 'camera',
    videoDimensions: parseDimensions(o['videoDimensions']),
    createdAt: num(o['createdAt']),
  };
}

export function parseSessionInfo(v: unknown, fallbackId: string): SessionInfo {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return {
    sessionId: str(o['sessionId'], fallbackId),
    mediaMode: o['mediaMode'] === 'relayed' ? 'relayed' : 'routed',
    e2ee: o['e2ee'] === true,
    archiveMode: str(o['archiveMode'], 'manual'),
    createdAt: num(o['createdAt']),
    capabilities:
      typeof o['capabilities'] === 'object' && o['capabilities'] !== null
        ? (o['capabilities'] as Record<string, unknown>)
        : {},
  };
}
