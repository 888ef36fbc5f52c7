// The demo comes back on its own when the router loses a media path (docs/protocol.md 3.5/3.6): two tabs
// in a routed room; closing the viewer's subscriber RTCPeerConnection under the SDK makes that tile
// reconnect and play again, and closing the publisher's makes the demo republish the camera, so the
// other tab sees the publisher's video again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';
import { joinRoom, openDemo } from '../helpers/demo.mjs';

const skip = skipReason();
// The router notices a silent peer only when consent expires (30 s without checks) if the browser sent
// no close_notify; the demo then waits at most a few seconds between attempts.
const kRecovers = 60_000;

// `count` remote tiles whose <video> plays real frames, none of them one marked as old by markVideos.
async function waitForFreshRemoteVideo(page, count, timeout = 30_000) {
  await page.waitForFunction(
    (n) => {
      const videos = [...document.querySelectorAll('.tile:not(.self) video')];
      return (
        videos.length === n &&
        videos.every((v) => !v.dataset.old && v.videoWidth > 0 && v.currentTime > 0.5)
      );
    },
    count,
    { timeout, polling: 200 },
  );
}

async function markVideos(page) {
  await page.evaluate(() => {
    for (const v of document.querySelectorAll('.tile video')) v.dataset.old = '1';
  });
}

// Closes the page's open peer connections that send media (`sending`) or only receive it.
async function closePeerConnections(page, sending) {
  return page.evaluate((wantSending) => {
    const open = window.__pcs.filter((pc) => pc.connectionState !== 'closed');
    const chosen = open.filter((pc) => pc.getSenders().some((s) => s.track !== null) === wantSending);
    for (const pc of chosen) pc.close();
    return chosen.length;
  }, sending);
}

async function waitForRecovery(page, kind, state, what) {
  try {
    await page.waitForFunction(
      ([k, s]) => window.umbraDemo.recoveryLog.some((e) => e.kind === k && e.state === s),
      [kind, state],
      { timeout: kRecovers, polling: 250 },
    );
  } catch (err) {
    const log = await page.evaluate(() => JSON.stringify(window.umbraDemo.recoveryLog)).catch(() => '?');
    throw new Error(`${what}: ${err.message}\nrecoveryLog ${log}\n${page.consoleLog.join('\n')}`);
  }
}

async function chatLines(page) {
  return page.$$eval('.chat-log li.system', (items) => items.map((li) => li.textContent));
}

describe('demo: a routed media path that dies comes back', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let ada;
  let lin;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    ada = await openDemo(browser, server.url, { trackPcs: true });
    lin = await openDemo(browser, server.url, { trackPcs: true });
    await joinRoom(ada, 'flaky-network', 'Ada');
    await joinRoom(lin, 'flaky-network', 'Lin');
    await waitForFreshRemoteVideo(ada, 1);
    await waitForFreshRemoteVideo(lin, 1);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a viewer's lost subscription reconnects in place and plays again", async () => {
    const tileBefore = await lin.$eval('.tile:not(.self)', (t) => t.dataset.key);
    await markVideos(lin);
    assert.equal(await closePeerConnections(lin, false), 1, 'Lin receives Ada through one peer connection');

    await waitForRecovery(lin, 'subscription', 'restored', 'Lin subscribes to Ada again');
    await waitForFreshRemoteVideo(lin, 1);
    const log = await lin.evaluate(() => window.umbraDemo.recoveryLog.map((e) => e.state));
    assert.deepEqual(log, ['lost', 'restored']);
    // The same tile (same stream, same place), its overlay gone; Ada's side did not lose anything.
    assert.equal(await lin.$eval('.tile:not(.self)', (t) => t.dataset.key), tileBefore);
    assert.equal(await lin.isVisible('.tile .reconnecting'), false);
    assert.deepEqual(await ada.evaluate(() => window.umbraDemo.recoveryLog), []);
  });

  test("a publisher's lost stream is republished, and the other tab sees it again", async () => {
    const streamBefore = await ada.evaluate(() => window.umbraDemo.camera.stream.streamId);
    const micOn = await ada.evaluate(() => window.umbraDemo.camera.isPublishingAudio);
    await markVideos(lin);
    assert.equal(await closePeerConnections(ada, true), 1, 'Ada publishes her camera through one peer connection');

    await waitForRecovery(ada, 'camera', 'restored', 'Ada republishes her camera');
    const chat = await chatLines(ada);
    assert.ok(chat.includes('Your camera stream was lost — republishing…'), chat.join('\n'));
    assert.ok(chat.includes('Your camera is back'), chat.join('\n'));
    const camera = await ada.evaluate(() => ({
      streamId: window.umbraDemo.camera.stream.streamId,
      audio: window.umbraDemo.camera.isPublishingAudio,
    }));
    assert.notEqual(camera.streamId, streamBefore, 'a new stream');
    assert.equal(camera.audio, micOn, 'published with the same microphone state');
    assert.equal(await ada.isVisible('#status'), false, 'the status pill is cleared');
    assert.equal(await ada.isVisible('#republish-button'), false);
    // Ada's own tile shows the new preview; Lin sees Ada's new stream play, in one tile.
    await ada.waitForFunction(
      () => {
        const v = document.querySelector('.tile.self:not(.screen) video');
        return v !== null && v.videoWidth > 0 && v.currentTime > 0.5;
      },
      null,
      { timeout: 30_000, polling: 200 },
    );
    assert.equal(await ada.isVisible('.tile.self .reconnecting'), false);
    await waitForFreshRemoteVideo(lin, 1);
    assert.equal(await lin.$eval('.tile:not(.self)', (t) => t.dataset.key), camera.streamId);
    assert.ok((await chatLines(lin)).includes("Ada's video connection was lost"));
  });

  test('when republishing keeps failing, the demo stops, says so, and Retry brings the camera back', async () => {
    // Every publish fails (as when the router is gone): the demo tries a bounded number of times.
    await ada.evaluate(() => {
      const session = window.umbraDemo.session;
      window.__publishCalls = 0;
      session.publish = async () => {
        window.__publishCalls += 1;
        const err = new Error('the router could not set up the media');
        err.name = 'NegotiationFailedError';
        throw err;
      };
    });
    const before = await ada.evaluate(() => window.umbraDemo.recoveryLog.length);
    await markVideos(lin);
    assert.equal(await closePeerConnections(ada, true), 1);
    await ada.waitForFunction(
      (n) => window.umbraDemo.recoveryLog.slice(n).some((e) => e.kind === 'camera' && e.state === 'gaveUp'),
      before,
      { timeout: kRecovers, polling: 250 },
    );
    assert.equal(await ada.evaluate(() => window.__publishCalls), 3, 'three attempts, then it stops');
    assert.match(await ada.textContent('#status'), /^Your camera is not shared: /);
    assert.equal(await ada.isVisible('#republish-button'), true);
    assert.equal(await ada.isVisible('.tile.self .reconnecting .reconnect-retry'), true);
    // No attempt after giving up.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    assert.equal(await ada.evaluate(() => window.__publishCalls), 3);
    // Lin no longer has Ada's camera tile (the stream is gone for everyone).
    await lin.waitForFunction(() => document.querySelectorAll('.tile:not(.self)').length === 0, null, {
      timeout: 30_000,
    });

    // The router is back: Retry republishes.
    await ada.evaluate(() => delete window.umbraDemo.session.publish);
    await ada.click('#republish-button');
    await ada.waitForFunction(
      (n) => window.umbraDemo.recoveryLog.slice(n).some((e) => e.kind === 'camera' && e.state === 'restored'),
      before,
      { timeout: kRecovers, polling: 250 },
    );
    assert.equal(await ada.isVisible('#status'), false);
    assert.equal(await ada.isVisible('#republish-button'), false);
    await waitForFreshRemoteVideo(lin, 1);
  });

  test('when resubscribing keeps failing, the tile says so and its Retry brings the video back', async () => {
    await lin.evaluate(() => {
      const session = window.umbraDemo.session;
      window.__subscribeCalls = 0;
      session.subscribe = async () => {
        window.__subscribeCalls += 1;
        const err = new Error('the router could not set up the media');
        err.name = 'NegotiationFailedError';
        throw err;
      };
    });
    const before = await lin.evaluate(() => window.umbraDemo.recoveryLog.length);
    await markVideos(lin);
    assert.equal(await closePeerConnections(lin, false), 1);
    await lin.waitForFunction(
      (n) => window.umbraDemo.recoveryLog.slice(n).some((e) => e.kind === 'subscription' && e.state === 'gaveUp'),
      before,
      { timeout: kRecovers, polling: 250 },
    );
    assert.equal(await lin.evaluate(() => window.__subscribeCalls), 3);
    assert.match(await lin.textContent('.tile:not(.self) .reconnecting-title'), /^Cannot show Ada/);
    await lin.evaluate(() => delete window.umbraDemo.session.subscribe);
    await lin.click('.tile:not(.self) .reconnect-retry');
    await waitForFreshRemoteVideo(lin, 1);
    assert.equal(await lin.isVisible('.tile .reconnecting'), false);
  });
});

describe('demo: an end-to-end encrypted room comes back encrypted', { skip: skip ?? false }, () => {
  const SECRET = 'tulips in the spring rain';
  let server;
  let browser;
  let ada;
  let lin;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    ada = await openDemo(browser, server.url, { trackPcs: true });
    lin = await openDemo(browser, server.url, { trackPcs: true });
    await joinRoom(ada, 'secret-flaky', 'Ada', { secret: SECRET });
    await joinRoom(lin, 'secret-flaky', 'Lin', { secret: SECRET });
    await waitForFreshRemoteVideo(ada, 1);
    await waitForFreshRemoteVideo(lin, 1);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // Frames only play when they were decrypted (the SDK hands nothing else to the decoder).
  const remoteLock = (page) =>
    page.$eval('.tile:not(.self)', (t) => ({
      state: t.dataset.e2ee,
      shown: !t.querySelector('.lock').hidden,
      text: t.querySelector('.lock-text').textContent,
    }));

  test('a republished camera and a resubscription play decrypted, with their locks', async () => {
    await markVideos(lin);
    assert.equal(await closePeerConnections(ada, true), 1);
    await waitForRecovery(ada, 'camera', 'restored', 'Ada republishes her camera');
    await waitForFreshRemoteVideo(lin, 1);
    assert.deepEqual(await remoteLock(lin), { state: 'encrypted', shown: true, text: 'encrypted' });
    assert.equal(await ada.getAttribute('.tile.self', 'data-e2ee'), 'encrypted');

    await markVideos(lin);
    assert.equal(await closePeerConnections(lin, false), 1);
    await waitForRecovery(lin, 'subscription', 'restored', 'Lin subscribes to Ada again');
    await waitForFreshRemoteVideo(lin, 1);
    assert.deepEqual(await remoteLock(lin), { state: 'encrypted', shown: true, text: 'encrypted' });
    assert.equal(await lin.isVisible('#e2ee-banner'), false);
    assert.equal(await ada.textContent('#verification-code'), await lin.textContent('#verification-code'));
  });
});
