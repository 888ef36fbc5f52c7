// DESIGN.md 4.4 and 4.5: KID = (C << 48) | R, and the per-sender base key from S and the KID.
// KIDs are 64-bit, beyond Number's 2^53, so they are bigint everywhere.
import { type Bytes, concatBytes, uintToBytes, utf8 } from './bytes.js';
import { hkdfSha256 } from './secret.js';

const kSenderBits = 48n;
const kSenderMask = (1n << kSenderBits) - 1n;
const kBaseKeyLabel = 'umbra-e2ee-v1 sender';

export function makeKid(keyCheck: number, sender: bigint): bigint {
  if (!Number.isInteger(keyCheck) || keyCheck < 0 || keyCheck > 0xffff) throw new RangeError('key check is 16 bits');
  if (sender < 0n || sender > kSenderMask) throw new RangeError('sender is 48 bits');
  return (BigInt(keyCheck) << kSenderBits) | sender;
}

export function keyCheckOfKid(kid: bigint): number {
  return Number(kid >> kSenderBits);
}

// A fresh R from the CSPRNG each time a track starts publishing or the secret changes, so the server
// can never steer two senders onto one key (it never chooses KIDs).
export function randomSender(): bigint {
  const r = crypto.getRandomValues(new Uint8Array(6));
  let v = 0n;
  for (const b of r) v = (v << 8n) | BigInt(b);
  return v;
}

export function deriveBaseKey(sessionSecret: Bytes, kid: bigint): Promise<Bytes> {
  return hkdfSha256(sessionSecret, concatBytes(utf8(kBaseKeyLabel), uintToBytes(kid, 8)), 16);
}
