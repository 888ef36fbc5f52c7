// umbra-e2ee-v1 (DESIGN.md section 4): the whole core, bundled alone as dist/umbra-e2ee.js for tests
// and interop tools; the SDK's public index re-exports only what applications need.
export * from './bytes.js';
export * from './clock.js';
export * from './controller.js';
export * from './errors.js';
export * from './frame.js';
export * from './keyring.js';
export * from './kid.js';
export type * from './messages.js';
export * from './mismatch.js';
export * from './replay.js';
export * from './secret.js';
export * from './sframe.js';
