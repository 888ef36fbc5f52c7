// The transform worker in a real Chromium call: A publishes fake camera and microphone over two
// loopback peer connections, to B (same secret) and to C (another secret). Frames pass through
// dist/umbra-e2ee-worker.js on both ends, attached with RTCRtpScriptTransform and, in a second run,
// with the createEncodedStreams fallback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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

        // One loopback call from `from` to `to`, VP8 and Opus only, transforms attached before negotiation.
        t.call = async (from, to, streamId) => {
          const pc1 = new RTCPeerConnection(from.rtcConfiguration);
          const pc2 = new RTCPeerConnection(to.rtcConfiguration);
          pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
          pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
          const mime = { video: 'video/vp8', audio: 'audio/opus' };
          const codec = { video: 'vp8', audio: 'opus' };
          for (const track of t.stream.getTracks()) {
            const tr = pc1.addTransceiver(track, { direction: 'sendonly', streams: [t.stream] });
            tr.setCodecPreferences(RTCRtpReceiver.getCapabilities(track.kind).codecs.filter((c) => c.mimeType.toLowerCase() === mime[track.kind]));
            from.attachSender(tr.sender, { codec: codec[track.kind], streamId });
          }
          pc2.ontrack = (e) => to.attachReceiver(e.receiver, { codec: codec[e.track.kind], streamId });
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

    test('B, with the same secret, decodes A\'s video and decrypts its audio', async () => {
      await waitFor(async () => (await window.t.framesDecoded(window.t.toB)) > 10 && (await window.t.decrypted(window.t.b, 'opus')) > 10);
      const encrypted = await page.evaluate(async () => (await window.t.a.getStats()).filter((s) => s.operation === 'encrypt'));
      assert.ok(encrypted.length >= 2 && encrypted.every((s) => s.frames > 0), JSON.stringify(encrypted));
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
      // Chromium's audio receiver hands the transform an occasional zero-length frame; nothing else drops.
      assert.deepEqual(b.dropped.map(({ emptyFrame, ...rest }) => rest).sort((x, y) => x.codec.localeCompare(y.codec)), [{ codec: 'opus' }, { codec: 'vp8' }]);
    });
  });
}
