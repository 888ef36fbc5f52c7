// DESIGN.md 4.4-4.11 as a participant sees them: sealing and opening between key rings, replay
// protection, rotation with the switch delay and key retention, and the mismatch events. Time is a
// ManualClock, so nothing here sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KeyRing,
  ManualClock,
  MismatchTracker,
  MISMATCH_AFTER_MS,
  PREVIOUS_KEY_RETENTION_MS,
  ReplayWindow,
  deriveKeyCheck,
  keyCheckOfKid,
  parseWireFrame,
} from '../dist/umbra-e2ee.js';

// Session secrets straight from random bytes: PBKDF2 is covered by the vectors.
async function sessionSecret() {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  return { secret, keyCheck: await deriveKeyCheck(secret) };
}

const keyFrame = () => Uint8Array.from([0x50, 0x03, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 1, 2, 3, 4, 5]);
const deltaFrame = () => Uint8Array.from([0x31, 0xf1, 0x00, 9, 8, 7, 6]);
const opusFrame = () => Uint8Array.from([0x78, 1, 2, 3]);

function ring(clock, secret, options = {}) {
  const r = new KeyRing({ clock, ...options });
  if (secret) r.setSecret(secret);
  return r;
}

async function sealOk(r, track, codec, frame) {
  const sealed = await r.seal(track, codec, frame);
  assert.ok(sealed.ok, `seal failed: ${sealed.error}`);
  return sealed.value;
}

test('two rings with one secret open each other\'s VP8 key, VP8 delta and Opus frames', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  for (const [codec, frame] of [['vp8', keyFrame()], ['vp8', deltaFrame()], ['opus', opusFrame()], ['opus', new Uint8Array(0)]]) {
    const wire = await sealOk(a, 'video', codec, frame);
    const opened = await b.open(codec, wire);
    assert.ok(opened.ok);
    assert.deepEqual(opened.value.frame, frame);
  }
});

test('the clear prefix stays readable and the rest is not', async () => {
  const clock = new ManualClock();
  const a = ring(clock, await sessionSecret());
  const frame = keyFrame();
  const wire = await sealOk(a, 'v', 'vp8', frame);
  assert.deepEqual(wire.subarray(0, 10), frame.subarray(0, 10));
  assert.notDeepEqual(wire.subarray(wire.length - 5), frame.subarray(10));
});

test('a ring with another secret refuses frames without trying, by key check', async () => {
  const clock = new ManualClock();
  const a = ring(clock, await sessionSecret());
  const c = ring(clock, await sessionSecret());
  const wire = await sealOk(a, 'v', 'vp8', deltaFrame());
  const r = await c.open('vp8', wire);
  assert.equal(r.ok, false);
  assert.equal(r.error, 'unknownKeyCheck');
});

test('a frame whose tag does not verify is undecryptable', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  const wire = await sealOk(a, 'v', 'opus', opusFrame());
  wire[wire.length - 1] ^= 1;
  assert.equal((await b.open('opus', wire)).error, 'undecryptable');
});

test('frames with no room for an SFrame header are dropped as noHeader', async () => {
  const b = ring(new ManualClock(), await sessionSecret());
  assert.equal((await b.open('vp8', new Uint8Array(0))).error, 'noHeader');
  assert.equal((await b.open('vp8', deltaFrame().subarray(0, 3))).error, 'noHeader');
  assert.equal((await b.open('vp8', keyFrame().subarray(0, 10))).error, 'noHeader');
  assert.equal((await b.open('opus', new Uint8Array(0))).error, 'noHeader');
  // An extended KID whose bytes are missing.
  assert.equal((await b.open('opus', Uint8Array.of(0xf0, 1, 2))).error, 'noHeader');
});

test('sealing before any secret is refused and sends nothing', async () => {
  const r = await new KeyRing().seal('v', 'vp8', keyFrame());
  assert.deepEqual(r, { ok: false, error: 'noSecret' });
});

test('each local track gets its own random KID under the key check and counts from 0', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  await sealOk(a, 'audio', 'opus', opusFrame());
  await sealOk(a, 'video', 'vp8', keyFrame());
  const audioKid = a.sendingKid('audio');
  const videoKid = a.sendingKid('video');
  assert.notEqual(audioKid, videoKid);
  assert.equal(keyCheckOfKid(audioKid), s.keyCheck);
  assert.equal(keyCheckOfKid(videoKid), s.keyCheck);
  const opened = await b.open('opus', await sealOk(a, 'audio', 'opus', opusFrame()));
  assert.equal(opened.value.ctr, 1n);
  a.removeTrack('audio');
  await sealOk(a, 'audio', 'opus', opusFrame());
  assert.notEqual(a.sendingKid('audio'), audioKid);
});

test('a replayed frame is refused, reordered frames inside the window open once', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  const wires = [];
  for (let i = 0; i < 200; i++) wires.push(await sealOk(a, 'v', 'opus', opusFrame()));
  assert.ok((await b.open('opus', wires[5])).ok);
  assert.ok((await b.open('opus', wires[3])).ok); // late, inside the window
  assert.equal((await b.open('opus', wires[3])).error, 'replay');
  assert.equal((await b.open('opus', wires[5])).error, 'replay');
  assert.ok((await b.open('opus', wires[199])).ok);
  assert.ok((await b.open('opus', wires[199 - 127])).ok); // the oldest counter the window still holds
  assert.equal((await b.open('opus', wires[199 - 128])).error, 'replay'); // older than the window
});

test('a forged frame never moves the replay window', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  const wires = [];
  for (let i = 0; i < 300; i++) wires.push(await sealOk(a, 'v', 'opus', opusFrame()));
  const forged = wires[299].slice();
  forged[forged.length - 1] ^= 1;
  assert.equal((await b.open('opus', forged)).error, 'undecryptable');
  assert.ok((await b.open('opus', wires[0])).ok, 'counter 0 still opens: the forged counter 299 was not recorded');
  assert.ok((await b.open('opus', wires[299])).ok);
});

test('ReplayWindow holds at least 128 counters', () => {
  const w = new ReplayWindow();
  assert.ok(ReplayWindow.SIZE >= 128n);
  w.mark(1000n);
  assert.ok(w.accepts(1000n - 127n));
  assert.ok(!w.accepts(1000n - 128n));
  assert.ok(!w.accepts(1000n));
  assert.ok(w.accepts(1001n));
  w.mark(1000n + 500n);
  assert.ok(!w.accepts(1000n));
});

test('rotation: local tracks keep the old secret for the switch delay, then move to a fresh KID', async () => {
  const clock = new ManualClock();
  const s1 = await sessionSecret();
  const s2 = await sessionSecret();
  const a = ring(clock, s1);
  const onlyOld = ring(clock, s1);
  await sealOk(a, 'v', 'vp8', keyFrame());
  const kid1 = a.sendingKid('v');

  a.setSecret(s2);
  assert.deepEqual(a.keyChecks.sort(), [s1.keyCheck, s2.keyCheck].sort(), 'new receive keys are installed at once');
  clock.advance(1999);
  assert.ok((await onlyOld.open('vp8', await sealOk(a, 'v', 'vp8', deltaFrame()))).ok);
  assert.equal(a.sendingKid('v'), kid1);

  clock.advance(1);
  const wire = await sealOk(a, 'v', 'vp8', deltaFrame());
  const kid2 = a.sendingKid('v');
  assert.notEqual(kid2, kid1);
  assert.equal(keyCheckOfKid(kid2), s2.keyCheck);
  assert.equal((await onlyOld.open('vp8', wire)).error, 'unknownKeyCheck');
  const newRing = ring(clock, s2);
  const opened = await newRing.open('vp8', wire);
  assert.equal(opened.value.ctr, 0n, 'CTR restarts at 0 under the new KID');
});

test('rotation: everyone who sets the new secret within the switch delay opens every frame', async () => {
  const clock = new ManualClock();
  const s1 = await sessionSecret();
  const s2 = await sessionSecret();
  const a = ring(clock, s1);
  const b = ring(clock, s1);
  const failures = [];
  const exchange = async () => {
    for (const [from, to] of [[a, b], [b, a]]) {
      const r = await to.open('vp8', await sealOk(from, 'v', 'vp8', deltaFrame()));
      if (!r.ok) failures.push(`t=${clock.now()}: ${r.error}`);
    }
  };
  a.setSecret(s2);
  for (let t = 0; t < 1000; t += 100) (await exchange(), clock.advance(100));
  b.setSecret(s2); // a second later
  for (let t = 0; t < 15_000; t += 100) (await exchange(), clock.advance(100));
  assert.deepEqual(failures, []);
  assert.deepEqual(a.keyChecks, [s2.keyCheck], 'the old secret is gone 10 s after the switch');
});

test('rotation: the previous secret opens for 10 s after the switch and not after', async () => {
  const clock = new ManualClock();
  const s1 = await sessionSecret();
  const s2 = await sessionSecret();
  const a = ring(clock, s1, { switchDelayMs: 2000 });
  const straggler = ring(clock, s1);
  a.setSecret(s2);
  clock.advance(2000 + PREVIOUS_KEY_RETENTION_MS - 1);
  assert.ok((await a.open('opus', await sealOk(straggler, 'x', 'opus', opusFrame()))).ok);
  clock.advance(1);
  assert.equal((await a.open('opus', await sealOk(straggler, 'x', 'opus', opusFrame()))).error, 'unknownKeyCheck');
});

test('rotation with a switch delay of 0 switches at once', async () => {
  const clock = new ManualClock();
  const s2 = await sessionSecret();
  const a = ring(clock, await sessionSecret(), { switchDelayMs: 0 });
  a.setSecret(s2);
  await sealOk(a, 'v', 'opus', opusFrame());
  assert.equal(keyCheckOfKid(a.sendingKid('v')), s2.keyCheck);
});

test('setting the secret already in use changes nothing', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  await sealOk(a, 'v', 'opus', opusFrame());
  const kid = a.sendingKid('v');
  a.setSecret({ secret: s.secret.slice(), keyCheck: s.keyCheck });
  clock.advance(5000);
  await sealOk(a, 'v', 'opus', opusFrame());
  assert.equal(a.sendingKid('v'), kid);
});

test('the mismatch event comes after 1 s of undecryptable frames, the match on the next frame that opens', () => {
  const clock = new ManualClock();
  const t = new MismatchTracker(clock);
  assert.equal(t.frameOpened('v', 1n), null, 'no match event without a mismatch before it');
  assert.equal(t.frameUndecryptable('v', 1n, false), null);
  clock.advance(MISMATCH_AFTER_MS - 1);
  assert.equal(t.frameUndecryptable('v', 1n, false), null);
  clock.advance(1);
  assert.equal(t.frameUndecryptable('v', 1n, false), 'encryptionSecretMismatch');
  assert.equal(t.frameUndecryptable('v', 1n, false), null, 'reported once');
  assert.equal(t.frameOpened('v', 1n), 'encryptionSecretMatch');
  assert.equal(t.frameOpened('v', 1n), null);
});

test('a frame that opens restarts the 1 s count', () => {
  const clock = new ManualClock();
  const t = new MismatchTracker(clock);
  t.frameUndecryptable('v', 1n, false);
  clock.advance(900);
  t.frameOpened('v', 1n);
  clock.advance(900);
  assert.equal(t.frameUndecryptable('v', 1n, false), null);
  clock.advance(999);
  assert.equal(t.poll(), null);
  clock.advance(1);
  assert.equal(t.poll(), 'encryptionSecretMismatch', 'a stream that went quiet still gets its event');
});

test('a key check we do not hold is a mismatch at once', () => {
  const t = new MismatchTracker(new ManualClock());
  assert.equal(t.frameUndecryptable('v', 7n, true), 'encryptionSecretMismatch');
  assert.ok(t.mismatched);
});

test('frames without a readable header count towards the 1 s rule', () => {
  const clock = new ManualClock();
  const t = new MismatchTracker(clock);
  assert.equal(t.frameUndecryptable('v', null, false), null);
  clock.advance(MISMATCH_AFTER_MS);
  assert.equal(t.frameUndecryptable('v', null, false), 'encryptionSecretMismatch');
});

test('a stream is mismatched while any of its tracks is, and matches once every track opens again', () => {
  const t = new MismatchTracker(new ManualClock());
  assert.equal(t.frameUndecryptable('audio', 10n, true), 'encryptionSecretMismatch');
  assert.equal(t.frameUndecryptable('video', 20n, true), null, 'the stream was already reported');
  assert.equal(t.frameOpened('audio', 10n), null, 'video still does not open');
  assert.equal(t.frameOpened('video', 20n), 'encryptionSecretMatch');
});

test('a frame under a KID its track has moved away from says nothing, even when it opens', () => {
  const t = new MismatchTracker(new ManualClock());
  assert.equal(t.frameOpened('video', 1n), null);
  assert.equal(t.frameUndecryptable('video', 2n, true), 'encryptionSecretMismatch');
  assert.equal(t.frameOpened('video', 1n), null, 'a late frame from before the switch is no match');
  assert.ok(t.mismatched);
  assert.equal(t.frameOpened('video', 2n), 'encryptionSecretMatch', 'the current KID opening is');
});

test('a track that ends takes its state with it and says nothing', () => {
  const t = new MismatchTracker(new ManualClock());
  t.frameUndecryptable('video', 2n, true);
  t.removeTrack('video');
  assert.equal(t.mismatched, false);
  assert.equal(t.trackCount, 0);
  assert.equal(t.frameUndecryptable('audio', 3n, true), 'encryptionSecretMismatch', 'the next mismatch is reported again');
});

// Feeds one received frame to `ring` and `tracker` the way the worker does.
async function receiveFrame(ring, tracker, track, codec, wire) {
  const r = await ring.open(codec, wire);
  if (r.ok) return { opened: true, event: tracker.frameOpened(track, r.value.kid) };
  if (r.error === 'replay') return { opened: false, event: null };
  const kid = parseWireFrame(codec, wire).value?.header.kid ?? null;
  return { opened: false, event: tracker.frameUndecryptable(track, kid, r.error === 'unknownKeyCheck') };
}

test('a subscriber with another secret gets a mismatch, then a match once it sets the right one', async () => {
  const clock = new ManualClock();
  const right = await sessionSecret();
  const a = ring(clock, right);
  const c = ring(clock, await sessionSecret(), { switchDelayMs: 2000 });
  const tracker = new MismatchTracker(clock);
  const events = [];
  let decoded = 0;
  const receive = async () => {
    const { opened, event } = await receiveFrame(c, tracker, 'v', 'vp8', await sealOk(a, 'v', 'vp8', deltaFrame()));
    if (opened) decoded++;
    if (event) events.push(`${event}@${clock.now()}`);
  };
  for (let i = 0; i < 10; i++) (await receive(), clock.advance(33));
  assert.equal(decoded, 0);
  c.setSecret(right);
  await receive();
  assert.deepEqual(events, ['encryptionSecretMismatch@0', 'encryptionSecretMatch@330']);
  assert.equal(decoded, 1, 'receive keys are installed at once, before the switch delay');
});

test('a rotation the subscriber does not follow is one mismatch, however the tracks\' frames interleave', async () => {
  const clock = new ManualClock();
  const old = await sessionSecret();
  const a = ring(clock, old, { switchDelayMs: 2000 });
  const c = ring(clock, old);
  const tracker = new MismatchTracker(clock);
  const events = [];
  const receive = async (track, codec, wire) => {
    const { event } = await receiveFrame(c, tracker, track, codec, wire);
    if (event) events.push(event);
  };
  await receive('audio', 'opus', await sealOk(a, 'audio', 'opus', opusFrame()));
  await receive('video', 'vp8', await sealOk(a, 'video', 'vp8', deltaFrame()));
  a.setSecret(await sessionSecret());
  clock.advance(1999);
  // The last video frame sealed under the old secret is still in flight (a late repair, or just a
  // slower encoder) when audio has already switched.
  const lateVideo = [await sealOk(a, 'video', 'vp8', deltaFrame()), await sealOk(a, 'video', 'vp8', deltaFrame())];
  clock.advance(1);
  await receive('audio', 'opus', await sealOk(a, 'audio', 'opus', opusFrame()));
  await receive('video', 'vp8', lateVideo[0]);
  await receive('video', 'vp8', await sealOk(a, 'video', 'vp8', deltaFrame()));
  // It still opens (the old secret's receive keys are kept) and is decoded, but it says nothing.
  const straggler = await receiveFrame(c, tracker, 'video', 'vp8', lateVideo[1]);
  assert.deepEqual(straggler, { opened: true, event: null });
  await receive('audio', 'opus', await sealOk(a, 'audio', 'opus', opusFrame()));
  assert.deepEqual(events, ['encryptionSecretMismatch']);
});

test('random bytes never throw and never open', async () => {
  const s = await sessionSecret();
  const b = ring(new ManualClock(), s);
  for (let i = 0; i < 500; i++) {
    const junk = crypto.getRandomValues(new Uint8Array(i % 64));
    if (i % 2 === 0 && junk.length > 12) {
      // Aim at the held key check, so the frame gets as far as the AEAD.
      junk[3] = 0xf7; // delta-frame prefix is 3 bytes; config byte: extended 8-byte KID, CTR 0..7
      junk[4] = s.keyCheck >> 8;
      junk[5] = s.keyCheck & 0xff;
    }
    const r = await b.open(i % 3 === 0 ? 'opus' : 'vp8', junk);
    assert.equal(r.ok, false);
  }
});

test('a flood of forged KIDs under the right key check does not stop real frames from opening', async () => {
  const clock = new ManualClock();
  const s = await sessionSecret();
  const a = ring(clock, s);
  const b = ring(clock, s);
  assert.ok((await b.open('opus', await sealOk(a, 'v', 'opus', opusFrame()))).ok);
  for (let i = 0; i < 400; i++) {
    const forged = await sealOk(ring(clock, s, { randomSender: () => BigInt(i + 1000) }), 'x', 'opus', opusFrame());
    forged[forged.length - 1] ^= 1;
    assert.equal((await b.open('opus', forged)).error, 'undecryptable');
  }
  assert.ok((await b.open('opus', await sealOk(a, 'v', 'opus', opusFrame()))).ok);
});

test('going back to the current secret during the switch delay cancels the switch', async () => {
  const clock = new ManualClock();
  const s1 = await sessionSecret();
  const s2 = await sessionSecret();
  const a = ring(clock, s1);
  await sealOk(a, 'v', 'opus', opusFrame());
  const kid = a.sendingKid('v');
  a.setSecret(s2);
  clock.advance(500);
  a.setSecret(s1);
  clock.advance(5000);
  await sealOk(a, 'v', 'opus', opusFrame());
  assert.equal(a.sendingKid('v'), kid);
  assert.ok(a.keyChecks.includes(s2.keyCheck), 'the abandoned secret still opens for a while');
  clock.advance(PREVIOUS_KEY_RETENTION_MS);
  assert.deepEqual(a.keyChecks, [s1.keyCheck]);
});
