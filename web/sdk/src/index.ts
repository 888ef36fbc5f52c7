// Umbra browser SDK. End-to-end encryption (umbra-e2ee-v1) lives in ./e2ee; the full e2ee core is
// also bundled alone as dist/umbra-e2ee.js.
export {
  E2eeController,
  e2eeCodecPreferences,
  EncryptionSecretRequiredError,
  EndToEndEncryptionNotSupportedError,
  InvalidEncryptionSecretError,
  hasEndToEndEncryptionSupport,
  isValidEncryptionSecret,
} from './e2ee/index.js';
export type { AttachOptions, Codec, E2eeControllerOptions, EncodedTransformApi, SecretEvent, TransformStats } from './e2ee/index.js';

// Sessions, publishers, subscribers, signals, moderation (docs/web-sdk.md).
export { SDK_VERSION, Session, initSession } from './session.js';
export type {
  DisconnectReason,
  SessionEvents,
  SessionOptions,
  SessionState,
  SignalEvent,
  SignalOptions,
} from './session.js';
export { Publisher } from './publisher.js';
export type { PublishOptions, PublisherEvents } from './publisher.js';
export { Subscriber } from './subscriber.js';
export type { SimulcastLayer, SubscribeOptions, SubscriberEvents } from './subscriber.js';
export { UmbraError, isUmbraError } from './errors.js';
export type { UmbraErrorName } from './errors.js';
export type { Archive, ArchiveStatus, ArchiveStopReason, ArchiveStream } from './archive.js';
export type { Connection, MediaMode, Role, SessionInfo, Stream, VideoDimensions, VideoType } from './stream.js';
export type { MediaStats, TrackStats } from './stats.js';
export type { Handler } from './events.js';
