// RFC 9605 (SFrame) for the one cipher suite umbra-e2ee-v1 uses, AES_128_GCM_SHA256_128 (0x0004):
// the header codec (section 4.3), key and salt derivation (4.4.2), nonce formation (4.4.3) and
// seal/open with AAD = header || metadata (4.4.3, 4.4.4).
import { type Bytes, bytesToUint, concatBytes, uintToBytes, utf8 } from './bytes.js';
import { hkdfSha256 } from './secret.js';

export const CIPHER_SUITE_AES_128_GCM_SHA256_128 = 0x0004;
const kKeySize = 16; // Nk
const kNonceSize = 12; // Nn
export const TAG_SIZE = 16; // Nt
export const MAX_HEADER_SIZE = 17; // config byte + 8-byte KID + 8-byte CTR
const kUint64Max = (1n << 64n) - 1n;

export interface SFrameHeader {
  readonly kid: bigint;
  readonly ctr: bigint;
  // Bytes the header took on the wire (the AAD uses those exact bytes).
  readonly size: number;
}

function minimalLength(v: bigint): number {
  let n = 1;
  while (v >> BigInt(8 * n) !== 0n) n++;
  return n;
}

// Section 4.3: config byte |X|K(3)|Y|C(3)|; a value 0..7 sits in K or C, else X/Y is set and K/C
// holds its length minus one and the value follows, big-endian, in as few bytes as it needs.
export function encodeHeader(kid: bigint, ctr: bigint): Bytes {
  if (kid < 0n || kid > kUint64Max || ctr < 0n || ctr > kUint64Max) throw new RangeError('KID and CTR are uint64');
  let config = 0;
  const parts: Uint8Array[] = [];
  if (kid < 8n) {
    config |= Number(kid) << 4;
  } else {
    const n = minimalLength(kid);
    config |= 0x80 | ((n - 1) << 4);
    parts.push(uintToBytes(kid, n));
  }
  if (ctr < 8n) {
    config |= Number(ctr);
  } else {
    const n = minimalLength(ctr);
    config |= 0x08 | (n - 1);
    parts.push(uintToBytes(ctr, n));
  }
  return concatBytes(Uint8Array.of(config), ...parts);
}

// Parses the header at data[offset..]; null if the bytes run out. Non-minimal encodings are accepted
// (the RFC only says how to write them), and the tag covers whatever bytes were sent.
export function decodeHeader(data: Uint8Array, offset = 0): SFrameHeader | null {
  if (offset >= data.length) return null;
  const config = data[offset]!;
  let pos = offset + 1;
  let kid: bigint;
  if (config & 0x80) {
    const n = ((config >> 4) & 0x07) + 1;
    if (pos + n > data.length) return null;
    kid = bytesToUint(data.subarray(pos, pos + n));
    pos += n;
  } else {
    kid = BigInt((config >> 4) & 0x07);
  }
  let ctr: bigint;
  if (config & 0x08) {
    const n = (config & 0x07) + 1;
    if (pos + n > data.length) return null;
    ctr = bytesToUint(data.subarray(pos, pos + n));
    pos += n;
  } else {
    ctr = BigInt(config & 0x07);
  }
  return { kid, ctr, size: pos - offset };
}

function label(kind: 'key' | 'salt', kid: bigint): Bytes {
  return concatBytes(utf8(`SFrame 1.0 Secret ${kind} `), uintToBytes(kid, 8), uintToBytes(BigInt(CIPHER_SUITE_AES_128_GCM_SHA256_128), 2));
}
export const sframeKeyLabel = (kid: bigint): Bytes => label('key', kid);
export const sframeSaltLabel = (kid: bigint): Bytes => label('salt', kid);

// The keyed state for one KID: the AES-GCM key (non-extractable) and the nonce salt.
export interface SFrameKey {
  readonly kid: bigint;
  readonly key: CryptoKey;
  readonly salt: Bytes;
}

export interface SFrameKeyMaterial {
  readonly key: Bytes;
  readonly salt: Bytes;
}

// Section 4.4.2: sframe_key = HKDF-Expand(HKDF-Extract("", base_key), key label, Nk), and the salt
// likewise with Nn; WebCrypto's HKDF is exactly Extract-then-Expand.
export async function deriveSFrameKeyMaterial(baseKey: Bytes, kid: bigint): Promise<SFrameKeyMaterial> {
  const [key, salt] = await Promise.all([
    hkdfSha256(baseKey, sframeKeyLabel(kid), kKeySize),
    hkdfSha256(baseKey, sframeSaltLabel(kid), kNonceSize),
  ]);
  return { key, salt };
}

export async function importSFrameKey(material: SFrameKeyMaterial, kid: bigint): Promise<SFrameKey> {
  const key = await crypto.subtle.importKey('raw', material.key, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { kid, key, salt: material.salt };
}

export async function deriveSFrameKey(baseKey: Bytes, kid: bigint): Promise<SFrameKey> {
  return importSFrameKey(await deriveSFrameKeyMaterial(baseKey, kid), kid);
}

// Section 4.4.3: salt XOR CTR, the counter big-endian and right-aligned in Nn bytes.
export function formNonce(salt: Uint8Array, ctr: bigint): Bytes {
  const c = uintToBytes(ctr, kNonceSize);
  for (let i = 0; i < kNonceSize; i++) c[i]! ^= salt[i]!;
  return c;
}

// Returns header || ciphertext || tag.
export async function sframeSeal(k: SFrameKey, ctr: bigint, metadata: Uint8Array, plaintext: Bytes): Promise<Bytes> {
  const header = encodeHeader(k.kid, ctr);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: formNonce(k.salt, ctr), additionalData: concatBytes(header, metadata), tagLength: TAG_SIZE * 8 },
    k.key,
    plaintext,
  );
  return concatBytes(header, new Uint8Array(sealed));
}

// Opens `ciphertextAndTag` sealed under `header` (whose wire bytes are `headerBytes`); null if the tag
// does not verify. The caller has already matched header.kid to k.
export async function sframeOpen(
  k: SFrameKey,
  header: SFrameHeader,
  headerBytes: Uint8Array,
  metadata: Uint8Array,
  ciphertextAndTag: Bytes,
): Promise<Bytes | null> {
  if (ciphertextAndTag.length < TAG_SIZE) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: formNonce(k.salt, header.ctr), additionalData: concatBytes(headerBytes, metadata), tagLength: TAG_SIZE * 8 },
      k.key,
      ciphertextAndTag,
    );
    return new Uint8Array(plain);
  } catch {
    return null; // OperationError: the tag did not verify
  }
}
