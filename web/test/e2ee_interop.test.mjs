// Interop with the C++ implementation (src/e2ee via `umbra e2ee seal|open|code`): random frames under
// random secrets, session ids, senders and counters. Both sides are deterministic given those inputs,
// so C++'s wire bytes must equal TypeScript's, C++'s frames must open here and ours there.
// Skipped when no umbra binary is built (UMBRA_BIN, else the usual build outputs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as core from '../dist/umbra-e2ee.js';
import { findUmbraBinary } from './helpers/umbra_server.mjs';

const bin = findUmbraBinary();
const skip = bin === null ? 'no umbra binary (build it with `make build`, or set UMBRA_BIN)' : false;

function umbra(args, input) {
  const r = spawnSync(bin, ['e2ee', ...args], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `umbra e2ee ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const randomInt = (n) => crypto.getRandomValues(new Uint32Array(1))[0] % n;
const randomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));
const alphabet = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.!?éüßÅ✓🔒日本'];

function randomSecret() {
  const length = 8 + randomInt(40);
  // Starts with a letter so the command line never mistakes it for an option.
  return 's' + Array.from({ length: length - 1 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function randomFrame(kind) {
  if (kind === 'opus') return randomBytes(randomInt(3) === 0 ? 0 : 1 + randomInt(300));
  const frame = randomBytes(kind === 'vp8-key' ? 10 + randomInt(2000) : 3 + randomInt(500));
  frame[0] = kind === 'vp8-key' ? frame[0] & 0xfe : frame[0] | 0x01;
  return frame;
}

function randomCounter() {
  const v = core.bytesToUint(randomBytes(8));
  return [0n, BigInt(randomInt(1000)), v >> BigInt(randomInt(64)), v][randomInt(4)];
}

const kinds = ['vp8-key', 'vp8-delta', 'opus'];

test('random frames sealed by C++ open in TypeScript, byte for byte the same wire, and the reverse', { skip }, async () => {
  for (let i = 0; i < 9; i++) {
    const kind = kinds[i % kinds.length];
    const codec = kind === 'opus' ? 'opus' : 'vp8';
    const secret = randomSecret();
    const sessionId = `interop-${core.bytesToHex(randomBytes(4))}`;
    const sender = core.randomSender();
    const ctr = randomCounter();
    const frame = randomFrame(kind);
    const what = `${kind} frame of ${frame.length} bytes, secret ${JSON.stringify(secret)}, sender ${sender}, ctr ${ctr}`;

    const s = await core.deriveSessionSecret(secret, sessionId);
    const kid = core.makeKid(s.keyCheck, sender);
    const key = await core.deriveSFrameKey(await core.deriveBaseKey(s.secret, kid), kid);
    const ours = await core.sealFrame(key, ctr, codec, frame);
    assert.ok(ours.ok, what);

    const common = ['--secret', secret, '--session', sessionId, '--codec', codec];
    const theirs = umbra(['seal', ...common, '--sender', sender.toString(16), '--ctr', ctr.toString()], core.bytesToHex(frame));
    assert.equal(theirs, core.bytesToHex(ours.value), `${what}: C++ and TypeScript wire bytes differ`);

    const ring = new core.KeyRing();
    ring.setSecret(s);
    const opened = await ring.open(codec, core.hexToBytes(theirs));
    assert.ok(opened.ok, `${what}: C++ frame does not open here (${opened.error})`);
    assert.equal(core.bytesToHex(opened.value.frame), core.bytesToHex(frame), what);

    assert.equal(umbra(['open', ...['--secret', secret, '--session', sessionId, '--codec', codec]], core.bytesToHex(ours.value)), core.bytesToHex(frame), what);
    if (i % kinds.length === 0) {
      assert.equal(umbra(['code', '--secret', secret, '--session', sessionId]), await core.deriveVerificationCode(s.secret), what);
    }
  }
});

test('a frame sealed here under another secret does not open in C++', { skip }, async () => {
  const s = await core.deriveSessionSecret('one secret here', 'interop');
  const kid = core.makeKid(s.keyCheck, 7n);
  const key = await core.deriveSFrameKey(await core.deriveBaseKey(s.secret, kid), kid);
  const wire = await core.sealFrame(key, 1n, 'opus', randomBytes(40));
  const r = spawnSync(bin, ['e2ee', 'open', '--secret', 'another secret', '--session', 'interop', '--codec', 'opus'], {
    input: core.bytesToHex(wire.value),
    encoding: 'utf8',
  });
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout.trim(), '');
});
