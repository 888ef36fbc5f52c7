// getStats(): the numbers people look at when a call is bad, pulled out of RTCStatsReport (W3C
// webrtc-stats) so applications need not know its dictionary names. `raw` keeps the full reports.

export interface TrackStats {
  bytes: number; //           bytesSent / bytesReceived
  packets: number; //         packetsSent / packetsReceived
  packetsLost: number; //     inbound only (remote-inbound for senders when known)
  frames: number; //          framesEncoded / framesDecoded (video)
  framesDropped: number; //   inbound video
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
  jitter: number; //          seconds (inbound)
  codec: string; //           e.g. "video/VP8"
}

export interface MediaStats {
  timestamp: number;
  audio: TrackStats | null;
  video: TrackStats | null;
  roundTripTime: number | null; // seconds, from the selected ICE candidate pair
  connectionState: RTCPeerConnectionState | 'none';
  raw: RTCStatsReport[];
}

function emptyTrack(): TrackStats {
  return {
    bytes: 0,
    packets: 0,
    packetsLost: 0,
    frames: 0,
    framesDropped: 0,
    frameWidth: 0,
    frameHeight: 0,
    framesPerSecond: 0,
    jitter: 0,
    codec: '',
  };
}

function n(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

// Sums over several peer connections (a relayed publisher has one per subscriber).
export async function collectStats(
  pcs: RTCPeerConnection[],
  direction: 'outbound' | 'inbound',
): Promise<MediaStats> {
  const result: MediaStats = {
    timestamp: Date.now(),
    audio: null,
    video: null,
    roundTripTime: null,
    connectionState: pcs[0]?.connectionState ?? 'none',
    raw: [],
  };
  const reports = await Promise.all(pcs.map((pc) => pc.getStats()));
  for (const report of reports) {
    result.raw.push(report);
    const codecs = new Map<string, string>();
    report.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'codec') codecs.set(String(s['id']), String(s['mimeType'] ?? ''));
    });
    report.forEach((s: Record<string, unknown>) => {
      const type = s['type'];
      if (type === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded') {
        const rtt = s['currentRoundTripTime'];
        if (typeof rtt === 'number') result.roundTripTime = Math.max(result.roundTripTime ?? 0, rtt);
      }
      const wanted = direction === 'outbound' ? 'outbound-rtp' : 'inbound-rtp';
      if (type !== wanted) return;
      const kind = s['kind'] === 'audio' ? 'audio' : 'video';
      const t = result[kind] ?? emptyTrack();
      result[kind] = t;
      if (direction === 'outbound') {
        t.bytes += n(s['bytesSent']);
        t.packets += n(s['packetsSent']);
        t.frames += n(s['framesEncoded']);
      } else {
        t.bytes += n(s['bytesReceived']);
        t.packets += n(s['packetsReceived']);
        t.packetsLost += n(s['packetsLost']);
        t.frames += n(s['framesDecoded']);
        t.framesDropped += n(s['framesDropped']);
        t.jitter = Math.max(t.jitter, n(s['jitter']));
      }
      t.frameWidth = Math.max(t.frameWidth, n(s['frameWidth']));
      t.frameHeight = Math.max(t.frameHeight, n(s['frameHeight']));
      t.framesPerSecond = Math.max(t.framesPerSecond, n(s['framesPerSecond']));
      const codec = codecs.get(String(s['codecId']));
      if (codec !== undefined && codec !== '') t.codec = codec;
    });
  }
  return result;
}
