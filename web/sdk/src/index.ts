// Umbra browser SDK. End-to-end encryption (umbra-e2ee-v1) lives in ./e2ee; the full e2ee core is
// also bundled alone as dist/umbra-e2ee.js.
export {
  E2eeController,
  EncryptionSecretRequiredError,
  EndToEndEncryptionNotSupportedError,
  InvalidEncryptionSecretError,
  hasEndToEndEncryptionSupport,
  isValidEncryptionSecret,
} from './e2ee/index.js';
export type { AttachOptions, Codec, E2eeControllerOptions, SecretEvent, TransformStats } from './e2ee/index.js';
