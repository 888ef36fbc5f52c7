// umbra-e2ee-v1 frames on the wire (DESIGN.md 4.7 and 4.8): prefix || SFrame header || ciphertext ||
// tag, sealed with RFC 9605 metadata = prefix, so a router that edits the clear prefix breaks the tag.
import { type Bytes, concatBytes } from './bytes.js';
import type { FrameError } from './errors.js';
import { type SFrameHeader, type SFrameKey, decodeHeader, sframeOpen, sframeSeal } from './sframe.js';

export type Codec = 'vp8' | 'opus';

export type FrameResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FrameError };

export const VP8_KEY_FRAME_PREFIX = 10;
export const VP8_DELTA_FRAME_PREFIX = 3;

export function isCodec(codec: unknown): codec is Codec {
  return codec === 'vp8' || codec === 'opus';
}

// 4.7: the bytes the router and the packetizer read. A VP8 key frame (bit 0 of byte 0 clear, RFC 6386
// section 9.1) keeps its 10-byte uncompressed header (frame tag, start code, dimensions); a delta frame
// its 3-byte frame tag; Opus nothing. The receiver applies the same rule to the first byte it gets.
export function clearPrefixLength(codec: Codec, frame: Uint8Array): number {
  if (codec === 'opus' || frame.length === 0) return 0;
  return (frame[0]! & 0x01) === 0 ? VP8_KEY_FRAME_PREFIX : VP8_DELTA_FRAME_PREFIX;
}

// Seals one encoded frame. A VP8 frame shorter than its prefix is refused: it is never sent at all,
// least of all in the clear. An empty Opus frame seals an empty plaintext.
export async function sealFrame(k: SFrameKey, ctr: bigint, codec: Codec, frame: Bytes): Promise<FrameResult<Bytes>> {
  if (codec === 'vp8' && (frame.length === 0 || frame.length < clearPrefixLength(codec, frame))) {
    return { ok: false, error: 'malformedFrame' };
  }
  const prefixLength = clearPrefixLength(codec, frame);
  const prefix = frame.subarray(0, prefixLength);
  const sealed = await sframeSeal(k, ctr, prefix, frame.slice(prefixLength));
  return { ok: true, value: concatBytes(prefix, sealed) };
}

// A received frame taken apart but not yet opened: enough to pick the key and check for replay.
export interface WireFrame {
  readonly prefix: Bytes;
  readonly header: SFrameHeader;
  readonly headerBytes: Bytes;
  readonly body: Bytes; // ciphertext || tag
}

export function parseWireFrame(codec: Codec, wire: Bytes): FrameResult<WireFrame> {
  const prefixLength = clearPrefixLength(codec, wire);
  if (wire.length <= prefixLength) return { ok: false, error: 'noHeader' };
  const header = decodeHeader(wire, prefixLength);
  if (header === null) return { ok: false, error: 'noHeader' };
  const bodyStart = prefixLength + header.size;
  return {
    ok: true,
    value: {
      prefix: wire.subarray(0, prefixLength),
      header,
      headerBytes: wire.subarray(prefixLength, bodyStart),
      body: wire.subarray(bodyStart),
    },
  };
}

// Returns prefix || plaintext, the frame the sender encoded; null if the tag does not verify.
export async function openWireFrame(k: SFrameKey, frame: WireFrame): Promise<Bytes | null> {
  const plain = await sframeOpen(k, frame.header, frame.headerBytes, frame.prefix, frame.body);
  return plain === null ? null : concatBytes(frame.prefix, plain);
}
