// Simulcast through the real router: one page publishes a 1280x720 fake camera with simulcast: true
// (three VP8 layers, rid q/h/f at 1/4, 1/2 and full size), another subscribes and moves its preferred
// layer low → high; the width its decoder outputs follows the layer the publisher really sends at that
// moment (Chromium may send fewer layers, or smaller ones, while its bandwidth estimate ramps up or the
// CPU is busy, so the test compares with what the publisher's stats say rather than fixed sizes).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames } from '../helpers/browser.mjs';
import { trackPeerConnections } from '../helpers/demo.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

// In the publisher's page: each rid with its current encoded size, lowest first.
const sentLayers = async () => {
  const layers = [];
  for (const pc of window.__pcs) {
    const stats = await pc.getStats();
    for (const s of stats.values()) {
      if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid && s.frameWidth > 0) {
        layers.push({ rid: s.rid, width: s.frameWidth, height: s.frameHeight, frames: s.framesEncoded });
      }
    }
  }
  return layers.sort((a, b) => a.width - b.width);
};

// Polls until check() returns truthy; the error carries what was seen last.
async function until(check, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last.ok) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not reached in ${timeout} ms; last seen ${JSON.stringify(last)}`);
}

// Publishes a simulcast camera on `publisher`, subscribes on `subscriber`, moves the preferred layer
// low → high and checks the decoded width follows. Returns the stream id, or null when skipped.
async function publishAndSwitch(t, publisher, subscriber) {
  const published = await publisher.evaluate(() =>
    T.attempt(() =>
      T.publish({ name: 'cam', audioSource: false, simulcast: true, resolution: { width: 1280, height: 720 } }),
    ),
  );
  if (!published.ok && published.name === 'RouterUnavailableError') {
    t.skip(`the server has no media router (${published.message})`);
    return null;
  }
  assert.ok(published.ok, `publish failed: ${published.name}: ${published.message}`);
  const streamId = published.value;
  await subscriber.evaluate((id) => T.subscribe(id), streamId);
  await waitForDecodedFrames(subscriber, streamId, 10);

  // What Chromium sends on this machine: at least two layers of different sizes.
  const sent = await until(async () => {
    const layers = await publisher.evaluate(sentLayers);
    return { ok: layers.length >= 2 && layers[0].width < layers[layers.length - 1].width, layers };
  }, 'two or more simulcast layers sent');
  t.diagnostic(
    `Chromium sends ${sent.layers.length} layers: ${sent.layers.map((l) => `${l.rid} ${l.width}x${l.height}`).join(', ')}`,
  );

  const decodedWidth = (id) => T.subscribers.get(id).getStats().then((s) => (s.video ? s.video.frameWidth : 0));
  // The subscriber's decoder shows the wanted layer (lowest or highest sent now) for a few polls in a row.
  const follows = async (layer) => {
    let streak = 0;
    return until(async () => {
      const layers = await publisher.evaluate(sentLayers);
      const want = layer === 'low' ? layers[0] : layers[layers.length - 1];
      const width = await subscriber.evaluate(decodedWidth, streamId);
      streak = want !== undefined && width === want.width && layers.length >= 2 ? streak + 1 : 0;
      return { ok: streak >= 3, width, layers };
    }, `the subscriber decoding the ${layer} layer`);
  };

  const set = await subscriber.evaluate(
    (id) => T.attempt(() => T.subscribers.get(id).setPreferredLayer('low')),
    streamId,
  );
  assert.ok(set.ok, `setPreferredLayer('low') failed: ${set.name}: ${set.message}`);
  const low = await follows('low');
  t.diagnostic(`low: decoded ${low.width} px wide`);

  await subscriber.evaluate((id) => T.subscribers.get(id).setPreferredLayer('high'), streamId);
  const high = await follows('high');
  t.diagnostic(`high: decoded ${high.width} px wide`);
  assert.ok(high.width > low.width, `high (${high.width}) is wider than low (${low.width})`);
  assert.equal(await subscriber.evaluate((id) => T.subscribers.get(id).preferredLayer, streamId), 'high');
  return streamId;
}

describe('routed simulcast in the browser', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let publisher;
  let subscriber;
  let streamId = null;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    const session = await server.createSession('routed');
    publisher = await openSdkPage(browser, server.url);
    subscriber = await openSdkPage(browser, server.url);
    await publisher.evaluate(trackPeerConnections);
    for (const [page, name] of [
      [publisher, 'camera'],
      [subscriber, 'viewer'],
    ]) {
      const token = await server.createToken(session.sessionId, 'publisher', name);
      await page.evaluate(([s, t]) => T.join(s, t), [session.sessionId, token]);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the subscriber decodes the layer it prefers: low, then high', async (t) => {
    streamId = await publishAndSwitch(t, publisher, subscriber);
  });

  test('a stream without simulcast refuses a preferred layer with NotSimulcastError', async (t) => {
    if (streamId === null) {
      t.skip('no routed media in this build');
      return;
    }
    const plain = await subscriber.evaluate(() => T.publish({ name: 'plain', audioSource: false }));
    await publisher.evaluate((id) => T.subscribe(id), plain);
    const refused = await publisher.evaluate(
      (id) => T.attempt(() => T.subscribers.get(id).setPreferredLayer('low')),
      plain,
    );
    assert.equal(refused.ok, false);
    assert.equal(refused.name, 'NotSimulcastError');
    assert.equal(refused.code, 'not_simulcast');
    const bad = await publisher.evaluate(
      (id) => T.attempt(() => T.subscribers.get(id).setPreferredLayer('huge')),
      plain,
    );
    assert.equal(bad.name, 'InvalidParameterError');
  });
});

describe('routed simulcast with end-to-end encryption', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let publisher;
  let subscriber;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    const session = await server.createSession('routed', { e2ee: true });
    publisher = await openSdkPage(browser, server.url);
    subscriber = await openSdkPage(browser, server.url);
    await publisher.evaluate(trackPeerConnections);
    for (const [page, name] of [
      [publisher, 'camera'],
      [subscriber, 'viewer'],
    ]) {
      const token = await server.createToken(session.sessionId, 'publisher', name);
      await page.evaluate(
        async ([s, t]) => {
          T.init(s, { encryptionSecret: 'simulcast secret' });
          T.session.on('encryptionSecretMismatch', (e) => T.record('mismatch', { streamId: e.stream.streamId }));
          await T.session.connect(t);
        },
        [session.sessionId, token],
      );
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('every layer is encrypted alike: the subscriber decrypts low and high, never a mismatch', async (t) => {
    const streamId = await publishAndSwitch(t, publisher, subscriber);
    if (streamId === null) return;
    assert.equal(await subscriber.evaluate(() => T.has('mismatch')), false, 'no encryptionSecretMismatch');
  });
});
