// The encoded-frame transform worker (bundled alone as dist/umbra-e2ee-worker.js). One worker per
// session holds the KeyRing; every sender and receiver transform of that session runs here, attached
// with RTCRtpScriptTransform (an `rtctransform` event per transform) or, where a browser only has
// createEncodedStreams, with the streams posted in an `attach` message.
//
// Fail closed: a frame that does not seal or open is dropped and counted, never passed on; an
// exception in the transform drops the frame too.
import type { Bytes } from './bytes.js';
import type { FrameError } from './errors.js';
import { type Codec, isCodec } from './frame.js';
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
const stats: { options: TransformOptions; frames: number; dropped: Partial<Record<FrameError, number>> }[] = [];
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

function attach(readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>, rawOptions: unknown): void {
  const options = parseOptions(rawOptions);
  const entry = { options: options ?? { operation: 'decrypt' as const, codec: 'opus' as const, streamId: '' }, frames: 0, dropped: {} as Partial<Record<FrameError, number>> };
  stats.push(entry);
  const drop = (reason: FrameError): void => {
    entry.dropped[reason] = (entry.dropped[reason] ?? 0) + 1;
  };
  const trackId = `track-${nextTrackId++}`;

  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    async transform(frame, controller) {
      if (options === null) return drop('unsupportedCodec'); // unusable options: pass nothing
      try {
        const codec = frameCodec(frame, options.codec);
        if (codec === null) return drop('unsupportedCodec');
        const data = new Uint8Array(frame.data) as Bytes;
        if (options.operation === 'encrypt') {
          const sealed = await keyRing.seal(trackId, codec, data);
          if (!sealed.ok) return drop(sealed.error);
          frame.data = sealed.value.buffer;
        } else {
          // Nothing to decode and nothing said about the secret: dropped, but not a mismatch sign.
          if (data.length === 0) return drop('emptyFrame');
          const opened = await keyRing.open(codec, data);
          const tracker = trackerFor(options.streamId);
          if (!opened.ok) {
            drop(opened.error);
            if (opened.error !== 'replay') emit(tracker.frameUndecryptable(opened.error === 'unknownKeyCheck'), options.streamId);
            return;
          }
          emit(tracker.frameOpened(), options.streamId);
          frame.data = opened.value.frame.buffer;
        }
        entry.frames++;
        controller.enqueue(frame);
      } catch {
        drop(options.operation === 'encrypt' ? 'malformedFrame' : 'undecryptable');
      }
    },
  });
  readable
    .pipeThrough(transform)
    .pipeTo(writable)
    .catch(() => {
      // The sender or receiver went away; its stream errors and the pipe ends.
    })
    .finally(() => keyRing.removeTrack(trackId));
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
      const transforms: TransformStats[] = stats.map((s) => ({ ...s.options, frames: s.frames, dropped: { ...s.dropped } }));
      post({ type: 'stats', requestId: message.requestId, transforms });
      break;
    }
  }
};

// 4.10: a stream whose only frames were undecryptable and then went quiet still gets its event.
setInterval(() => {
  for (const [streamId, tracker] of trackers) emit(tracker.poll(), streamId);
}, kPollIntervalMs);
