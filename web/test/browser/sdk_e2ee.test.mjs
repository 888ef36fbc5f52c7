// An end-to-end encrypted routed session through the SDK and the real server and media router (which only
// ever sees SFrame ciphertext, DESIGN.md section 4):
// - Alice and Bob share a secret and decode each other's video and audio;
// - Eve, with another secret, gets encryptionSecretMismatch within 2 s of subscribing, decodes no frame and
//   sees no exception; after setEncryptionSecret with the right one she gets encryptionSecretMatch and decodes;
// - Alice and Bob rotate to a new secret a second apart without a mismatch between them (4.11);
// - verification codes are equal exactly when secrets are (4.12); without a secret, publishing is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();
const SECRET = 'correct horse battery staple';
const WRONG = 'a different secret';
const ROTATED = 'the secret after rotation';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The inbound audio of one subscription, from the browser's own stats (webrtc-stats inbound-rtp).
const audioIn = (page, streamId) =>
  page.evaluate(async (id) => {
    const sub = T.subscribers.get(id);
    if (!sub) return null;
    for (const report of (await sub.getStats()).raw) {
      for (const r of report.values()) {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          return {
            packets: r.packetsReceived ?? 0,
            samples: r.totalSamplesReceived ?? 0,
            concealed: r.concealedSamples ?? 0,
            energy: r.totalAudioEnergy ?? 0,
          };
        }
      }
    }
    return null;
  }, streamId);

// Audio over a window: packets that arrived, samples played out, and how much of that was concealment
// (what NetEq plays when it has no decodable frame).
async function audioWindow(page, streamId, ms = 2000) {
  const a = await audioIn(page, streamId);
  await sleep(ms);
  const b = await audioIn(page, streamId);
  assert.ok(a && b, `no inbound audio for ${streamId}`);
  const samples = b.samples - a.samples;
  return {
    packets: b.packets - a.packets,
    samples,
    concealedRatio: samples > 0 ? (b.concealed - a.concealed) / samples : 1,
    energy: b.energy - a.energy,
  };
}

describe('end-to-end encrypted routed session', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  let alice;
  let bob;
  let eve;
  let aliceStream;
  let bobStream;
  let routerReady = true;

  const join = async (page, secret, name, { autoSubscribe = true } = {}) =>
    page.evaluate(
      async ([s, t, secret, auto]) => {
        T.autoSubscribe = auto;
        T.init(s, secret === null ? {} : { encryptionSecret: secret });
        T.session.on('encryptionSecretMismatch', (e) => T.record('mismatch', { streamId: e.stream.streamId }));
        T.session.on('encryptionSecretMatch', (e) => T.record('match', { streamId: e.stream.streamId }));
        T.session.on('exception', (e) => T.record('exception', { error: `${e.error.name}: ${e.error.message}` }));
        await T.session.connect(t);
        return T.session.connection.connectionId;
      },
      [sessionId, await server.createToken(sessionId, 'publisher', name), secret, autoSubscribe],
    );

  // Nothing went wrong in the background: no SDK exception, no uncaught error, no failed subscribe.
  const assertNoException = async (page, who) => {
    const { exceptions, subscribeErrors } = await page.evaluate(() => ({
      exceptions: T.events.filter((e) => e.name === 'exception'),
      subscribeErrors: T.subscribeErrors,
    }));
    assert.deepEqual(exceptions, [], `${who}: exception events`);
    assert.deepEqual(subscribeErrors, [], `${who}: subscribe errors`);
    assert.deepEqual(
      page.consoleLog.filter((l) => l.startsWith('[pageerror]')),
      [],
      `${who}: uncaught errors in the page`,
    );
  };

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    const session = await server.createSession('routed', { e2ee: true });
    sessionId = session.sessionId;
    assert.equal(session.e2ee, true);
    alice = await openSdkPage(browser, server.url);
    bob = await openSdkPage(browser, server.url);
    eve = await openSdkPage(browser, server.url);
    await join(alice, SECRET, 'alice');
    await join(bob, SECRET, 'bob');
    await join(eve, WRONG, 'eve', { autoSubscribe: false });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('verification codes match exactly when the secrets do', async () => {
    const [a, b, e] = await Promise.all([alice, bob, eve].map((p) => p.evaluate(() => T.session.getVerificationCode())));
    assert.match(a, /^\d{5} \d{5} \d{5} \d{5}$/);
    assert.equal(a, b);
    assert.notEqual(a, e);
    assert.equal(await alice.evaluate(() => T.session.isEndToEndEncrypted), true);
  });

  test('the same secret decodes both ways through the router: VP8 video and Opus audio', async (t) => {
    const published = await alice.evaluate(() => T.attempt(() => T.publish({ name: 'alice' })));
    if (!published.ok && published.name === 'RouterUnavailableError') {
      routerReady = false;
      t.skip(`the server has no media router (${published.message})`);
      return;
    }
    assert.equal(published.ok, true, `${published.name}: ${published.message}`);
    aliceStream = published.value;
    bobStream = await bob.evaluate(() => T.publish({ name: 'bob' }));

    for (const [page, id, who] of [
      [bob, aliceStream, 'bob receives alice'],
      [alice, bobStream, 'alice receives bob'],
    ]) {
      await waitInPage(page, (s) => T.subscribers.has(s), id, { what: `${who}: subscribed` });
      const first = await waitForDecodedFrames(page, id, 20);
      const codecs = await page.evaluate(async (s) => {
        const stats = await T.subscribers.get(s).getStats();
        return [stats.video?.codec, stats.audio?.codec];
      }, id);
      assert.deepEqual(codecs, ['video/VP8', 'audio/opus'], who);
      // Audio: packets arrive and are decoded, not concealed (a dropped frame would be concealment).
      const audio = await audioWindow(page, id);
      assert.ok(audio.packets > 50, `${who}: ${audio.packets} audio packets in 2 s`);
      assert.ok(audio.samples > 48_000, `${who}: ${audio.samples} audio samples in 2 s`);
      assert.ok(audio.concealedRatio < 0.2, `${who}: ${(audio.concealedRatio * 100).toFixed(1)}% of audio concealed`);
      // Video keeps decoding.
      assert.ok((await page.evaluate((s) => T.framesDecoded(s), id)) > first, `${who}: framesDecoded grows`);
      t.diagnostic(`${who}: ${audio.packets} audio packets, ${(audio.concealedRatio * 100).toFixed(1)}% concealed`);
    }
    assert.equal(await alice.evaluate(() => T.has('mismatch')), false);
    assert.equal(await bob.evaluate(() => T.has('mismatch')), false);
    await assertNoException(alice, 'alice');
    await assertNoException(bob, 'bob');
  });

  test('another secret: encryptionSecretMismatch within 2 s of subscribing, zero frames decoded, no exception', async (t) => {
    if (!routerReady) return t.skip('no media router');
    const subscribedAt = await eve.evaluate(async (ids) => {
      const at = Date.now();
      await Promise.all(ids.map((id) => T.subscribe(id)));
      return at;
    }, [aliceStream, bobStream]);
    for (const id of [aliceStream, bobStream]) {
      await waitInPage(eve, (s) => T.has('mismatch', (e) => e.streamId === s), id, { what: 'eve mismatch', timeout: 10_000 });
      const at = await eve.evaluate((s) => T.events.find((e) => e.name === 'mismatch' && e.streamId === s).at, id);
      t.diagnostic(`eve: encryptionSecretMismatch ${at - subscribedAt} ms after subscribing`);
      assert.ok(at - subscribedAt <= 2000, `mismatch after ${at - subscribedAt} ms`);
    }
    // Media keeps arriving for a while; none of it reaches a decoder.
    const audio = await audioWindow(eve, aliceStream);
    t.diagnostic(`eve: ${audio.packets} audio packets, ${(audio.concealedRatio * 100).toFixed(1)}% concealed`);
    assert.ok(audio.packets > 0, 'the router does forward the ciphertext');
    // Every sample Eve plays out is concealment (measured: exactly 100%): no audio frame was decoded.
    assert.ok(audio.concealedRatio >= 0.99, `${(audio.concealedRatio * 100).toFixed(1)}% of Eve's audio concealed`);
    for (const id of [aliceStream, bobStream]) assert.equal(await eve.evaluate((s) => T.framesDecoded(s), id), 0);
    assert.equal(await eve.evaluate(() => T.has('match')), false);
    await assertNoException(eve, 'eve');
    // Alice and Bob never saw a mismatch (Eve publishes nothing).
    assert.equal(await bob.evaluate(() => T.has('mismatch')), false);
  });

  test('switching to the right secret: encryptionSecretMatch and decoding', async (t) => {
    if (!routerReady) return t.skip('no media router');
    await eve.evaluate((s) => T.session.setEncryptionSecret(s), SECRET);
    for (const id of [aliceStream, bobStream]) {
      await waitInPage(eve, (s) => T.has('match', (e) => e.streamId === s), id, { what: 'eve match', timeout: 10_000 });
      await waitForDecodedFrames(eve, id, 10);
    }
    const audio = await audioWindow(eve, aliceStream);
    assert.ok(audio.concealedRatio < 0.2, `${(audio.concealedRatio * 100).toFixed(1)}% of Eve's audio concealed`);
    assert.equal(
      await eve.evaluate(() => T.session.getVerificationCode()),
      await alice.evaluate(() => T.session.getVerificationCode()),
    );
    await assertNoException(eve, 'eve');
  });

  test('rotation: Alice and Bob change to a new secret a second apart without a mismatch and keep decoding', async (t) => {
    if (!routerReady) return t.skip('no media router');
    const before = await alice.evaluate(() => T.session.getVerificationCode());
    const since = await alice.evaluate(() => Date.now());
    await alice.evaluate((s) => T.session.setEncryptionSecret(s), ROTATED);
    await sleep(1000);
    await bob.evaluate((s) => T.session.setEncryptionSecret(s), ROTATED);
    // Both have switched their own tracks after the 2 s switch delay; give it a margin, then measure.
    await sleep(3000);
    const [a0, b0] = [await alice.evaluate((s) => T.framesDecoded(s), bobStream), await bob.evaluate((s) => T.framesDecoded(s), aliceStream)];
    await sleep(2000);
    const [a1, b1] = [await alice.evaluate((s) => T.framesDecoded(s), bobStream), await bob.evaluate((s) => T.framesDecoded(s), aliceStream)];
    assert.ok(a1 > a0 + 10, `alice decodes bob after the rotation (${a0} → ${a1})`);
    assert.ok(b1 > b0 + 10, `bob decodes alice after the rotation (${b0} → ${b1})`);
    for (const [page, id, who] of [
      [alice, bobStream, 'alice'],
      [bob, aliceStream, 'bob'],
    ]) {
      const events = await page.evaluate(
        ([s, from]) => T.events.filter((e) => (e.name === 'mismatch' || e.name === 'match') && e.streamId === s && e.at >= from),
        [id, since],
      );
      assert.deepEqual(events, [], `${who}: no mismatch (or match) during the rotation`);
      const audio = await audioWindow(page, id);
      assert.ok(audio.concealedRatio < 0.2, `${who}: ${(audio.concealedRatio * 100).toFixed(1)}% audio concealed after rotation`);
      await assertNoException(page, who);
    }
    const [a, b] = await Promise.all([alice, bob].map((p) => p.evaluate(() => T.session.getVerificationCode())));
    assert.equal(a, b);
    assert.notEqual(a, before);
    // Eve, who did not learn the new secret, is cut off (4.11: within the delay plus 10 s).
    await waitInPage(eve, (s) => T.events.filter((e) => e.name === 'mismatch' && e.streamId === s).length >= 2, aliceStream, {
      what: 'eve cut off after the rotation',
      timeout: 20_000,
    });
  });

  test('without a secret, publishing fails with EncryptionSecretRequiredError', async () => {
    const page = await openSdkPage(browser, server.url);
    await join(page, null, 'nosecret', { autoSubscribe: false });
    const result = await page.evaluate(() => T.attempt(() => T.publish({ name: 'x' })));
    assert.equal(result.ok, false);
    assert.equal(result.name, 'EncryptionSecretRequiredError');
    // The connection stays usable: signals still work.
    await page.evaluate(() => T.session.signal({ type: 'hello', data: 'still here' }));
    await waitInPage(alice, () => T.has('signal', (e) => e.type === 'hello' && e.data === 'still here'), null, { what: 'signal' });
    await page.close();
  });
});
