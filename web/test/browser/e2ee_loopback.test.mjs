// The transform worker in a real Chromium call: A publishes fake camera and microphone over two
// loopback peer connections, to B (same secret) and to C (another secret). Frames pass through
// dist/umbra-e2ee-worker.js on both ends, attached with RTCRtpScriptTransform and, in a second run,
// with the createEncodedStreams fallback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as core from '../../dist/umbra-e2ee.js';
import { launchChromium, startServer } from './e2ee_harness.mjs';

for (const encodedTransform of ['script-transform', 'encoded-streams']) {
  describe(`loopback call attached with ${encodedTransform}`, () => {
    let server;
    let browser;
    let page;

    before(async () => {
      server = await startServer();
      browser = await launchChromium();
      page = await browser.newPage();
      page.on('pageerror', (e) => console.error('page error:', e));
      await page.goto(server.url);
      await page.evaluate(async (encodedTransform) => {
        const sdk = await import('/dist/umbra-sdk.js');
        const workerUrl = '/dist/umbra-e2ee-worker.js';
        const controller = (name) => {
          const c = new sdk.E2eeController('loopback-session', { workerUrl, encodedTransform });
          c.events = [];
          for (const type of ['encryptionSecretMismatch', 'encryptionSecretMatch']) {
            c.addEventListener(type, (e) => c.events.push({ type, streamId: e.detail.streamId, at: performance.now() }));
          }
          c.label = name;
          return c;
        };
        const t = { sdk, a: controller('A'), b: controller('B'), c: controller('C') };
        window.t = t;
        await t.a.setEncryptionSecret('correct horse battery');
        await t.b.setEncryptionSecret('correct horse battery');
        await t.c.setEncryptionSecret('incorrect horse battery');
        t.codes = { a: t.a.getVerificationCode(), b: t.b.getVerificationCode(), c: t.c.getVerificationCode() };
        t.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });

        // One loopback call from `from` to `to` (a controller, or a function given each receiver), VP8
        // and Opus only, transforms attached before negotiation.
        t.call = async (from, to, streamId) => {
          const pc1 = new RTCPeerConnection(from.rtcConfiguration);
          const pc2 = new RTCPeerConnection(typeof to === 'function' ? { encodedInsertableStreams: true } : to.rtcConfiguration);
          pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
          pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
          const codec = { video: 'vp8', audio: 'opus' };
          for (const track of t.stream.getTracks()) {
            const tr = pc1.addTransceiver(track, { direction: 'sendonly', streams: [t.stream] });
            tr.setCodecPreferences(sdk.e2eeCodecPreferences(track.kind));
            from.attachSender(tr.sender, { codec: codec[track.kind], streamId });
          }
          pc2.ontrack = (e) =>
            typeof to === 'function' ? to(e.receiver, codec[e.track.kind]) : to.attachReceiver(e.receiver, { codec: codec[e.track.kind], streamId });
          await pc1.setLocalDescription();
          await pc2.setRemoteDescription(pc1.localDescription);
          await pc2.setLocalDescription();
          await pc1.setRemoteDescription(pc2.localDescription);
          return pc2;
        };
        t.framesDecoded = async (pc) => {
          let n = 0;
          (await pc.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded ?? 0;
          });
          return n;
        };
        t.decrypted = async (ctl, codec) => (await ctl.getStats()).filter((s) => s.operation === 'decrypt' && s.codec === codec).reduce((n, s) => n + s.frames, 0);
        t.dropped = async (ctl) => (await ctl.getStats()).filter((s) => s.operation === 'decrypt').map((s) => ({ codec: s.codec, ...s.dropped }));
        t.toB = await t.call(t.a, t.b, 'stream-a');
        t.toC = await t.call(t.a, t.c, 'stream-a');
        // A wiretap: the first frames exactly as they arrive (as a router would forward them); none is
        // passed on to a decoder.
        t.wire = { vp8: [], opus: [] };
        const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
        await t.call(t.a, (receiver, codec) => {
          const { readable, writable } = receiver.createEncodedStreams();
          const tap = new TransformStream({ transform: (frame) => void (t.wire[codec].length < 50 && t.wire[codec].push(hex(frame.data))) });
          readable.pipeThrough(tap).pipeTo(writable);
        }, 'stream-a');
      }, encodedTransform);
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    // Polls `expr` in the page until it is truthy (a state to reach, not a deadline to meet).
    async function waitFor(expr, arg = undefined) {
      await page.waitForFunction(expr, arg, { timeout: 20_000, polling: 100 });
    }

    test('verification codes are equal for A and B and differ for C', async () => {
      const codes = await page.evaluate(() => window.t.codes);
      assert.equal(codes.a, codes.b);
      assert.notEqual(codes.c, codes.a);
      assert.match(codes.a, /^\d{5} \d{5} \d{5} \d{5}$/);
    });

    test('B, with the same secret, decodes A\'s video and decrypts its audio', async (t) => {
      await waitFor(async () => (await window.t.framesDecoded(window.t.toB)) > 10 && (await window.t.decrypted(window.t.b, 'opus')) > 10);
      const encrypted = await page.evaluate(async () => (await window.t.a.getStats()).filter((s) => s.operation === 'encrypt'));
      assert.ok(encrypted.some((s) => s.codec === 'vp8' && s.frames > 0) && encrypted.some((s) => s.codec === 'opus' && s.frames > 0), JSON.stringify(encrypted));
      assert.ok(encrypted.every((s) => Object.keys(s.dropped).length === 0), JSON.stringify(encrypted));
      const cost = encrypted.find((s) => s.codec === 'vp8' && s.costMicros !== null)?.costMicros;
      assert.ok(cost && cost.samples > 0 && cost.p99 >= cost.p50, JSON.stringify(encrypted));
      t.diagnostic(`VP8 320x240 seal cost in the worker: p50 ${cost.p50} us, p99 ${cost.p99} us over ${cost.samples} frames`);
    });

    test('what leaves the browser is umbra-e2ee-v1: VP8 prefix in the clear, the rest opens only with the secret', async () => {
      await waitFor(() => window.t.wire.vp8.length >= 50 && window.t.wire.opus.length >= 50);
      const wire = await page.evaluate(() => window.t.wire);
      const s = await core.deriveSessionSecret('correct horse battery', 'loopback-session');
      const other = await core.deriveSessionSecret('incorrect horse battery', 'loopback-session');
      const ring = new core.KeyRing();
      ring.setSecret(s);
      const wrong = new core.KeyRing();
      wrong.setSecret(other);
      const first = core.hexToBytes(wire.vp8[0]);
      assert.equal(first[0] & 0x01, 0, 'the first video frame is a key frame');
      assert.equal(core.bytesToHex(first.subarray(3, 6)), '9d012a', 'its VP8 start code is in the clear prefix');
      for (const codec of ['vp8', 'opus']) {
        const seen = new Set();
        for (const h of wire[codec]) {
          const bytes = core.hexToBytes(h);
          const opened = await ring.open(codec, bytes);
          if (seen.has(h)) {
            // Chromium re-assembles a frame when a retransmission of one of its packets arrives late;
            // the copy is a replay of the same counter and is dropped as one.
            assert.equal(opened.error, 'replay');
            continue;
          }
          seen.add(h);
          assert.ok(opened.ok, `${codec} frame did not open: ${opened.error}`);
          assert.equal(core.keyCheckOfKid(opened.value.kid), s.keyCheck);
          const prefix = core.clearPrefixLength(codec, bytes);
          assert.deepEqual(opened.value.frame.subarray(0, prefix), bytes.subarray(0, prefix));
          assert.equal(opened.value.frame.length, bytes.length - core.decodeHeader(bytes, prefix).size - core.TAG_SIZE);
          assert.equal((await wrong.open(codec, bytes)).ok, false);
        }
      }
    });

    test('C, with another secret, gets encryptionSecretMismatch and decodes nothing', async () => {
      await waitFor(() => window.t.c.events.some((e) => e.type === 'encryptionSecretMismatch'));
      const state = await page.evaluate(async () => ({
        events: window.t.c.events.map((e) => `${e.type}:${e.streamId}`),
        decoded: await window.t.framesDecoded(window.t.toC),
        opened: (await window.t.decrypted(window.t.c, 'vp8')) + (await window.t.decrypted(window.t.c, 'opus')),
        dropped: await window.t.dropped(window.t.c),
      }));
      assert.deepEqual(state.events, ['encryptionSecretMismatch:stream-a']);
      assert.equal(state.decoded, 0);
      assert.equal(state.opened, 0);
      assert.ok(state.dropped.some((d) => d.unknownKeyCheck > 0), JSON.stringify(state.dropped));
    });

    test('C sets the right secret, gets encryptionSecretMatch and decodes', async () => {
      await page.evaluate(() => window.t.c.setEncryptionSecret('correct horse battery'));
      assert.equal(await page.evaluate(() => window.t.c.getVerificationCode()), await page.evaluate(() => window.t.codes.a));
      await waitFor(() => window.t.c.events.some((e) => e.type === 'encryptionSecretMatch'));
      await waitFor(async () => (await window.t.framesDecoded(window.t.toC)) > 0);
    });

    test('A and B rotate a second apart and B never sees a frame it cannot open', async () => {
      const before = await page.evaluate(async () => window.t.framesDecoded(window.t.toB));
      await page.evaluate(async () => {
        await window.t.a.setEncryptionSecret('a brand new secret');
        await new Promise((r) => setTimeout(r, 1000));
        await window.t.b.setEncryptionSecret('a brand new secret');
      });
      // C never learns the new secret: once A switches (after its 2 s delay) C is cut off.
      await waitFor(() => window.t.c.events.filter((e) => e.type === 'encryptionSecretMismatch').length === 2);
      await waitFor(async (n) => (await window.t.framesDecoded(window.t.toB)) > n + 30, before);
      const b = await page.evaluate(async () => ({ events: window.t.b.events, dropped: await window.t.dropped(window.t.b) }));
      assert.deepEqual(b.events, []);
      // Only drops that say nothing about the secret: Chromium's audio receiver hands the transform an
      // occasional zero-length frame, and a late retransmission can re-deliver a frame (a replay).
      const refused = b.dropped.map(({ emptyFrame, replay, ...rest }) => rest).sort((x, y) => x.codec.localeCompare(y.codec));
      assert.deepEqual(refused, [{ codec: 'opus' }, { codec: 'vp8' }]);
    });
  });
}
