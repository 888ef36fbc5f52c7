// ICE restart in a routed session (docs/protocol.md 3.13, docs/web-sdk.md "Network changes"): a publisher
// and a subscriber restart ICE with the router, by hand (restartIce()) and on their own when the SDK sees
// ICE fail. Each restart must bring new ICE credentials on both sides of the peer connection, keep the
// stream and the subscription, and the subscriber must go on decoding frames.
//
// What is not tested here: a real network change. Both browsers and the router share the loopback
// interface of this machine and a test may not change routes or firewall rules, so the automatic trigger
// is driven by a faked "failed" state (helpers/ice_restart.mjs fakeIceFailure); the router side of a
// restart under a real path change is covered by the router's ICE restart integration test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { trackPeerConnections } from '../helpers/demo.mjs';
import { fakeIceFailure, recordReconnects, selectedUfrag, ufrags } from '../helpers/ice_restart.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

// Waits for the `n`th reconnected event of `who` and checks nothing gave up meanwhile.
async function waitReconnected(page, who, n) {
  await waitInPage(
    page,
    ([w, count]) => T.events.filter((e) => e.name === 'reconnected' && e.who === w).length >= count,
    [who, n],
    { what: `${who} reconnected ${n} time(s)` },
  );
  const failed = await page.evaluate(() => T.events.filter((e) => e.name === 'reconnectFailed'));
  assert.deepEqual(failed, []);
}

// New credentials on both sides of the latest peer connection, and (when Chromium reports it) the media
// moved to the new ICE generation: the router answered checks made with the new ufrag.
async function assertNewCredentials(page, before, what) {
  const now = await ufrags(page);
  assert.ok(now.local && now.remote, `${what}: both descriptions have a ufrag`);
  assert.notEqual(now.local, before.local, `${what}: the browser's ufrag changed`);
  assert.notEqual(now.remote, before.remote, `${what}: the router's ufrag changed`);
  if ((await selectedUfrag(page)) !== null) {
    await waitInPage(
      page,
      async (ufrag) => {
        const stats = await window.__pcs.at(-1).getStats();
        return [...stats.values()].some((s) => s.type === 'transport' && s.iceLocalUsernameFragment === ufrag);
      },
      now.local,
      { what: `${what}: the selected pair uses the new ufrag` },
    );
  }
  return now;
}

async function assertStillDecoding(page, streamId) {
  const frames = await page.evaluate((id) => T.framesDecoded(id), streamId);
  await waitForDecodedFrames(page, streamId, frames + 10);
}

describe('ICE restart in a routed session', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let pub;
  let sub;
  let streamId;
  let ready = false;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    const sessionId = (await server.createSession('routed')).sessionId;
    pub = await openSdkPage(browser, server.url);
    sub = await openSdkPage(browser, server.url);
    for (const [page, name] of [
      [pub, 'pub'],
      [sub, 'sub'],
    ]) {
      await page.evaluate(trackPeerConnections);
      const token = await server.createToken(sessionId, 'publisher', name);
      await page.evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('restartIce() gives both peer connections new credentials and the media goes on', async (t) => {
    const published = await pub.evaluate(() => T.attempt(() => T.publish({ name: 'pub' })));
    if (!published.ok) {
      assert.equal(published.name, 'RouterUnavailableError', `${published.name}: ${published.message}`);
      t.skip(`the server has no media router (${published.message})`);
      return;
    }
    streamId = published.value;
    await waitInPage(sub, (id) => T.has('streamCreated', (e) => e.streamId === id), streamId);
    await sub.evaluate((id) => T.subscribe(id), streamId);
    await waitForDecodedFrames(sub, streamId, 5);
    await recordReconnects(pub, 'pub');
    await recordReconnects(sub, 'sub', streamId);
    ready = true;

    const pubBefore = await ufrags(pub);
    await pub.evaluate(() => T.publishers[0].restartIce());
    await waitReconnected(pub, 'pub', 1);
    await assertNewCredentials(pub, pubBefore, 'publisher');
    assert.equal(await pub.evaluate(() => T.publishers[0].stream.streamId), streamId, 'the same stream');
    await assertStillDecoding(sub, streamId);

    const subBefore = await ufrags(sub);
    await sub.evaluate((id) => T.subscribers.get(id).restartIce(), streamId);
    await waitReconnected(sub, 'sub', 1);
    await assertNewCredentials(sub, subBefore, 'subscriber');
    assert.equal(await sub.evaluate((id) => T.subscribers.get(id).destroyed, streamId), false, 'the same subscription');
    await assertStillDecoding(sub, streamId);

    assert.equal(await pub.evaluate(() => T.has('streamDestroyed')), false);
    assert.equal(await sub.evaluate(() => T.has('streamDestroyed')), false);
  });

  test('the SDK restarts ICE on its own when it sees ICE fail', async (t) => {
    if (!ready) {
      t.skip('needs the routed stream of the first test');
      return;
    }
    const pubBefore = await ufrags(pub);
    await fakeIceFailure(pub);
    await waitInPage(pub, () => T.has('reconnecting', (e) => e.who === 'pub' && e.reason === 'failed'), null, {
      what: 'the publisher starts an ICE restart',
    });
    await waitReconnected(pub, 'pub', 2);
    await assertNewCredentials(pub, pubBefore, 'publisher (automatic)');
    await assertStillDecoding(sub, streamId);

    const subBefore = await ufrags(sub);
    await fakeIceFailure(sub);
    await waitInPage(sub, () => T.has('reconnecting', (e) => e.who === 'sub' && e.reason === 'failed'), null, {
      what: 'the subscriber starts an ICE restart',
    });
    await waitReconnected(sub, 'sub', 2);
    await assertNewCredentials(sub, subBefore, 'subscriber (automatic)');
    await assertStillDecoding(sub, streamId);
    assert.equal(await sub.evaluate((id) => T.subscribers.get(id).destroyed, streamId), false);
  });
});
