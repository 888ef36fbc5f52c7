// Errors the SDK throws at people (by `error.name`, which survives postMessage and bundling).
// Frame-level failures are never thrown: the transform drops and counts them (see FrameError).

// DESIGN.md 4.1: the secret is not 8..256 code points (after NFC), or is not a well-formed string.
export class InvalidEncryptionSecretError extends Error {
  override readonly name = 'InvalidEncryptionSecretError';
}

// The browser cannot run an encoded-frame transform, so an E2EE session cannot be joined safely.
export class EndToEndEncryptionNotSupportedError extends Error {
  override readonly name = 'EndToEndEncryptionNotSupportedError';
}

// Publishing or subscribing in an E2EE session before any secret was set.
export class EncryptionSecretRequiredError extends Error {
  override readonly name = 'EncryptionSecretRequiredError';
}

// Per-frame outcomes that drop a frame; the worker counts them by these names.
export type FrameError =
  | 'malformedFrame' //     4.7: a VP8 frame shorter than its clear prefix (never sent in the clear)
  | 'unsupportedCodec' //   4.7: only VP8 and Opus in v1
  | 'noSecret' //           sealing or opening before any secret was set
  | 'emptyFrame' //         a received frame with no bytes at all (Chromium's audio receiver emits a few)
  | 'noHeader' //           4.9: nothing after the clear prefix parses as an SFrame header
  | 'unknownKeyCheck' //    4.9: the KID's top 16 bits match no held key check (not even tried)
  | 'undecryptable' //      4.9: the tag did not verify
  | 'replay' //             4.9: the counter was already opened under this KID, or is too old
  | 'counterExhausted'; //  4.6: a CTR would repeat; the track needs a fresh KID
