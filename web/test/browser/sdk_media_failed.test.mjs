// A routed media path that dies on its own reaches the user: closing a page's RTCPeerConnection under
// the SDK (what a crashed tab, a lost network or a browser bug does to the router's view) makes the
// router close that transport (DTLS close_notify, or ICE consent expiry 30 s later), and the server
// tells the right people (docs/protocol.md 3.5/3.6): a subscriber's Subscriber ends with a
// MediaConnectionLostError and can subscribe again; a publisher's stream is destroyed for everyone with
// reason mediaFailed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';
import { trackPeerConnections } from '../helpers/demo.mjs';

const skip = skipReason();
// The router notices a silent peer only when consent expires (30 s without checks) if the browser
// sent no close_notify: the bound covers that case too.
const kRouterNotices = 45_000;

describe('routed media path closed under the SDK', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  let publisherPage;
  let subscriberPage;
  let streamId;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    sessionId = (await server.createSession('routed')).sessionId;
    publisherPage = await openSdkPage(browser, server.url);
    subscriberPage = await openSdkPage(browser, server.url);
    for (const [page, name] of [
      [publisherPage, 'pub'],
      [subscriberPage, 'sub'],
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

  test('a subscriber whose link dies gets MediaConnectionLostError and can subscribe again', async (t) => {
    const published = await publisherPage.evaluate(() => T.attempt(() => T.publish({ name: 'pub' })));
    if (!published.ok) {
      assert.equal(published.name, 'RouterUnavailableError', `${published.name}: ${published.message}`);
      t.skip(`the server has no media router (${published.message})`);
      return;
    }
    streamId = published.value;
    await waitInPage(subscriberPage, (id) => T.has('streamCreated', (e) => e.streamId === id), streamId);
    await subscriberPage.evaluate((id) => T.subscribe(id), streamId);
    await waitForDecodedFrames(subscriberPage, streamId, 5);

    await subscriberPage.evaluate((id) => {
      T.subscribers.get(id).on('destroyed', (e) =>
        T.record('subscriberDestroyed', { streamId: id, reason: e.reason, error: e.error?.name ?? null }),
      );
      window.__pcs.at(-1).close();
    }, streamId);
    await waitInPage(subscriberPage, () => T.has('subscriberDestroyed'), undefined, {
      timeout: kRouterNotices,
      what: 'the subscriber told its media path failed',
    });
    const destroyed = await subscriberPage.evaluate(() => T.events.find((e) => e.name === 'subscriberDestroyed'));
    assert.equal(destroyed.reason, 'mediaFailed');
    assert.equal(destroyed.error, 'MediaConnectionLostError');
    // Only this subscription ended: the stream is still there, and subscribing again brings media back.
    assert.equal(await subscriberPage.evaluate(() => T.has('streamDestroyed')), false);
    await subscriberPage.evaluate((id) => T.subscribe(id), streamId);
    await waitForDecodedFrames(subscriberPage, streamId, 5);
  });

  test('a subscription whose link dies while signaling is down fails when the session resumes', async (t) => {
    if (streamId === undefined) return t.skip('nothing was published');
    const transports = async () => {
      const { body } = await server.download('/metrics');
      return Number(/^umbra_router_transports (\d+)$/m.exec(body.toString())?.[1]);
    };
    const before = await transports();
    await subscriberPage.evaluate(() => {
      T.events.length = 0;
      // Signaling goes away and stays away: every new socket is pointed at a closed port until the
      // test lets the page back online.
      const Tracked = window.WebSocket;
      window.__offline = true;
      window.WebSocket = class extends Tracked {
        constructor(url, ...rest) {
          super(window.__offline ? 'ws://127.0.0.1:9/' : url, ...rest);
        }
      };
      window.__sockets.at(-1).close();
    });
    await waitInPage(subscriberPage, () => T.has('reconnecting'), null, { what: 'reconnecting' });
    await subscriberPage.evaluate((id) => {
      T.subscribers.get(id).on('destroyed', (e) =>
        T.record('subscriberDestroyed', { streamId: id, reason: e.reason, error: e.error?.name ?? null }),
      );
      window.__pcs.at(-1).close();
    }, streamId);
    // The router closes the subscription's transport while the page cannot be told.
    const deadline = Date.now() + kRouterNotices;
    while ((await transports()) >= before) {
      assert.ok(Date.now() < deadline, 'the router never closed the subscriber transport');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await subscriberPage.evaluate(() => T.has('subscriberDestroyed')), false);

    await subscriberPage.evaluate(() => (window.__offline = false));
    await waitInPage(subscriberPage, () => T.has('reconnected'), null, { what: 'reconnected', timeout: 30_000 });
    await waitInPage(subscriberPage, () => T.has('subscriberDestroyed'), null, { what: 'the lost subscription failed on resume' });
    const destroyed = await subscriberPage.evaluate(() => T.events.find((e) => e.name === 'subscriberDestroyed'));
    assert.equal(destroyed.reason, 'mediaFailed');
    assert.equal(destroyed.error, 'MediaConnectionLostError');
    assert.equal(await subscriberPage.evaluate(() => T.has('streamDestroyed')), false, 'the stream itself stays');
    await subscriberPage.evaluate((id) => T.subscribe(id), streamId);
    await waitForDecodedFrames(subscriberPage, streamId, 5);
  });

  test('a publisher whose link dies loses the stream, for everyone, with reason mediaFailed', async (t) => {
    if (streamId === undefined) return t.skip('nothing was published');
    await publisherPage.evaluate(() => {
      T.publishers[0].on('streamDestroyed', (e) => T.record('ownStreamDestroyed', { reason: e.reason }));
      window.__pcs.at(-1).close();
    });
    await waitInPage(publisherPage, () => T.has('ownStreamDestroyed'), undefined, {
      timeout: kRouterNotices,
      what: 'the publisher told its stream is gone',
    });
    const own = await publisherPage.evaluate(() => T.events.find((e) => e.name === 'ownStreamDestroyed'));
    assert.equal(own.reason, 'mediaFailed');
    await waitInPage(subscriberPage, (id) => T.has('streamDestroyed', (e) => e.streamId === id), streamId);
    const seen = await subscriberPage.evaluate(() => T.events.find((e) => e.name === 'streamDestroyed'));
    assert.equal(seen.reason, 'mediaFailed');
    const listed = await server.api('GET', `/v1/sessions/${sessionId}/streams`);
    assert.deepEqual(listed.streams, []);
  });
});
