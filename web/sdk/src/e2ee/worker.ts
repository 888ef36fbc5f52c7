// The encoded-frame transform worker (bundled alone as dist/umbra-e2ee-worker.js). One worker per
// session holds the KeyRing; every sender and receiver transform of that session runs here, attached
// with RTCRtpScriptTransform (an `rtctransform` event per transform) or, where a browser only has
// createEncodedStreams, with the streams posted in an `attach` message.
//
// Fail closed: a frame that does not seal or open is dropped and counted, never passed on; an
// exception in the transform drops the frame too.
import type { Bytes } from './bytes.js';
import type { FrameError } from './errors.js';
import { type Codec, isCodec, parseWireFrame } from './frame.js';
import { KeyRing } from './keyring.js';
import type { FromWorker, ToWorker, TransformOptions, TransformStats } from './messages.js';
import { type SecretEvent, MismatchTracker } from './mismatch.js';

interface EncodedFrame {
  data: ArrayBuffer;
  getMetadata?(): { mimeType?: string };
}

interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: unknown;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = self as unknown as WorkerScope;
const kPollIntervalMs = 250;

let keyRing = new KeyRing();
const trackers = new Map<string, MismatchTracker>();
let nextTrackId = 1;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

function emit(event: SecretEvent | null, streamId: string): void {
  if (event !== null) post({ type: 'secretEvent', event, streamId });
}

function trackerFor(streamId: string): MismatchTracker {
  let tracker = trackers.get(streamId);
  if (tracker === undefined) {
    tracker = new MismatchTracker({ now: () => performance.now() });
    trackers.set(streamId, tracker);
  }
  return tracker;
}

function parseOptions(raw: unknown): TransformOptions | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if ((o.operation !== 'encrypt' && o.operation !== 'decrypt') || !isCodec(o.codec) || typeof o.streamId !== 'string') {
    return null;
  }
  return { operation: o.operation, codec: o.codec, streamId: o.streamId };
}

// The codec the frame really carries when the browser says (metadata.mimeType), else the one the
// transform was attached for. Anything but VP8 and Opus is refused (4.7).
function frameCodec(frame: EncodedFrame, fallback: Codec): Codec | null {
  const mime = frame.getMetadata?.().mimeType?.toLowerCase();
  if (mime === undefined || mime === '') return fallback;
  if (mime === 'video/vp8') return 'vp8';
  if (mime === 'audio/opus') return 'opus';
  return null;
}

// Per-transform counters, and the cost of the last kTimingSamples frames (for p50/p99 in stats).
const kTimingSamples = 512;

class TransformRecord {
  frames = 0;
  readonly dropped: Partial<Record<FrameError, number>> = {};
  readonly #costs = new Float64Array(kTimingSamples);
  #costCount = 0;

  constructor(readonly options: TransformOptions) {}

  drop(reason: FrameError): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  cost(ms: number): void {
    this.#costs[this.#costCount++ % kTimingSamples] = ms;
  }

  snapshot(): TransformStats {
    const costs = this.#costs.slice(0, Math.min(this.#costCount, kTimingSamples)).sort();
    const at = (q: number): number => Math.round((costs[Math.min(costs.length - 1, Math.floor(q * costs.length))] ?? 0) * 1000);
    return {
      ...this.options,
      frames: this.frames,
      dropped: { ...this.dropped },
      costMicros: costs.length === 0 ? null : { p50: at(0.5), p99: at(0.99), samples: costs.length },
    };
  }
}

const records: TransformRecord[] = [];

// Seals or opens one frame; false when it must be dropped (the reason is counted).
async function transformFrame(frame: EncodedFrame, record: TransformRecord, trackId: string): Promise<boolean> {
  const { operation, streamId } = record.options;
  const codec = frameCodec(frame, record.options.codec);
  if (codec === null) {
    record.drop('unsupportedCodec');
    return false;
  }
  const data = new Uint8Array(frame.data) as Bytes;
  if (operation === 'encrypt') {
    const sealed = await keyRing.seal(trackId, codec, data);
    if (!sealed.ok) {
      record.drop(sealed.error);
      return false;
    }
    frame.data = sealed.value.buffer;
    return true;
  }
  if (data.length === 0) {
    // Chromium's audio receiver emits a few: nothing to decode and nothing said about the secret.
    record.drop('emptyFrame');
    return false;
  }
  const opened = await keyRing.open(codec, data);
  const tracker = trackerFor(streamId);
  if (!opened.ok) {
    record.drop(opened.error);
    // A replay is a copy of a frame that opened (Chromium re-delivers frames whose packets were
    // retransmitted late): it says nothing about the secret.
    if (opened.error !== 'replay') {
      const parsed = parseWireFrame(codec, data);
      const kid = parsed.ok ? parsed.value.header.kid : null;
      emit(tracker.frameUndecryptable(trackId, kid, opened.error === 'unknownKeyCheck'), streamId);
    }
    return false;
  }
  emit(tracker.frameOpened(trackId, opened.value.kid), streamId);
  frame.data = opened.value.frame.buffer;
  return true;
}

function attach(readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>, rawOptions: unknown): void {
  const options = parseOptions(rawOptions);
  if (options === null) {
    // Fail closed: without knowing what to do, pass nothing on.
    post({ type: 'error', message: 'a transform was attached with invalid options; its frames are dropped' });
    readable.pipeTo(new WritableStream()).catch(() => undefined);
    return;
  }
  const record = new TransformRecord(options);
  records.push(record);
  const trackId = `track-${nextTrackId++}`;

  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    async transform(frame, controller) {
      const start = performance.now();
      let pass = false;
      try {
        pass = await transformFrame(frame, record, trackId);
      } catch {
        record.drop(options.operation === 'encrypt' ? 'malformedFrame' : 'undecryptable');
      }
      record.cost(performance.now() - start);
      if (!pass) return;
      record.frames++;
      controller.enqueue(frame);
    },
  });
  readable
    .pipeThrough(transform)
    .pipeTo(writable)
    .catch(() => {
      // The sender or receiver went away; its stream errors and the pipe ends.
    })
    .finally(() => {
      keyRing.removeTrack(trackId);
      const tracker = trackers.get(options.streamId);
      tracker?.removeTrack(trackId);
      if (tracker?.trackCount === 0) trackers.delete(options.streamId);
    });
}

scope.onrtctransform = (event) => {
  const t = event.transformer;
  attach(t.readable, t.writable, t.options);
};

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'configure':
      // Sent once, before any secret: a fresh ring with the session's switch delay.
      keyRing = new KeyRing({ switchDelayMs: message.switchDelayMs });
      break;
    case 'setSecret':
      keyRing.setSecret({ secret: new Uint8Array(message.secret) as Bytes, keyCheck: message.keyCheck });
      break;
    case 'attach':
      attach(message.readable, message.writable, message.options);
      break;
    case 'getStats': {
      const transforms = records.map((r) => r.snapshot());
      post({ type: 'stats', requestId: message.requestId, transforms });
      break;
    }
  }
};

// 4.10: a stream whose only frames were undecryptable and then went quiet still gets its event.
setInterval(() => {
  for (const [streamId, tracker] of trackers) emit(tracker.poll(), streamId);
}, kPollIntervalMs);
