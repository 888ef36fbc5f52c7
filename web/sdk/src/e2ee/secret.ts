// umbra-e2ee-v1 secret handling (DESIGN.md 4.1-4.3 and 4.12): from the words people type to the
// session secret S, its key check C and the verification code they compare out of band.
import { type Bytes, concatBytes, utf8 } from './bytes.js';
import { InvalidEncryptionSecretError } from './errors.js';

export const MIN_SECRET_CODE_POINTS = 8;
export const MAX_SECRET_CODE_POINTS = 256;
export const PBKDF2_ITERATIONS = 100_000;

const kSaltPrefix = 'umbra-e2ee-v1:';
const kKeyCheckLabel = 'umbra-e2ee-v1 key check';
const kVerificationLabel = 'umbra-e2ee-v1 verification code';

// A lone UTF-16 surrogate would be silently replaced by U+FFFD when encoded, so two different strings
// could collapse onto one secret; the C++ side refuses ill-formed UTF-8 for the same reason.
const kLoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// 4.1: validates and returns the NFC form, UTF-8 encoded. Code points are counted on the NFC form so
// canonically equivalent inputs (NFD from one keyboard, NFC from another) are accepted or refused alike.
export function normalizeSecret(secret: unknown): Bytes {
  if (typeof secret !== 'string') {
    throw new InvalidEncryptionSecretError('the encryption secret must be a string');
  }
  if (kLoneSurrogate.test(secret)) {
    throw new InvalidEncryptionSecretError('the encryption secret is not well-formed Unicode');
  }
  const nfc = secret.normalize('NFC');
  const codePoints = [...nfc].length;
  if (codePoints < MIN_SECRET_CODE_POINTS || codePoints > MAX_SECRET_CODE_POINTS) {
    throw new InvalidEncryptionSecretError(
      `the encryption secret must be ${MIN_SECRET_CODE_POINTS} to ${MAX_SECRET_CODE_POINTS} characters long`,
    );
  }
  return utf8(nfc);
}

// True if setEncryptionSecret/initSession would accept the secret (for validating a form field).
export function isValidEncryptionSecret(secret: unknown): boolean {
  try {
    normalizeSecret(secret);
    return true;
  } catch {
    return false;
  }
}

export interface SessionSecret {
  // S (4.2), 32 bytes. Kept inside the SDK and its worker; never sent anywhere else.
  readonly secret: Bytes;
  // C (4.3), the top 16 bits of every KID sealed under S.
  readonly keyCheck: number;
}

// 4.2 and 4.3. The PBKDF2 cost (100 000 iterations) is paid once per secret, off the media path.
export async function deriveSessionSecret(secret: string, sessionId: string): Promise<SessionSecret> {
  const password = normalizeSecret(secret);
  const pbkdf2Key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: concatBytes(utf8(kSaltPrefix), utf8(sessionId)), iterations: PBKDF2_ITERATIONS },
    pbkdf2Key,
    256,
  );
  const s = new Uint8Array(bits);
  return { secret: s, keyCheck: await deriveKeyCheck(s) };
}

export async function deriveKeyCheck(sessionSecret: Bytes): Promise<number> {
  const hmacKey = await crypto.subtle.importKey('raw', sessionSecret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, utf8(kKeyCheckLabel)));
  return (mac[0]! << 8) | mac[1]!;
}

// HKDF-SHA256 with an empty salt, as 4.5 and 4.12 use it (and RFC 9605 4.4.2 for SFrame's own keys).
export async function hkdfSha256(ikm: Bytes, info: Bytes, length: number): Promise<Bytes> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, key, length * 8);
  return new Uint8Array(bits);
}

// 4.12: 20 decimal digits in four groups of five, e.g. "17357 88480 37353 98818".
export async function deriveVerificationCode(sessionSecret: Bytes): Promise<string> {
  const okm = await hkdfSha256(sessionSecret, utf8(kVerificationLabel), 8);
  const value = new DataView(okm.buffer).getBigUint64(0, false) % 10n ** 20n;
  const digits = value.toString().padStart(20, '0');
  return [0, 5, 10, 15].map((i) => digits.slice(i, i + 5)).join(' ');
}
