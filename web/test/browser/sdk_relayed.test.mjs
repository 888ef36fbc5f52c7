// Two browsers in a relayed session (peer-to-peer media, SDP/ICE relayed by `umbra serve`) decode each
// other's fake camera, see each other's mute and camera toggles, and a screen share arrives as a second
// stream with videoType "screen".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

describe('relayed session in the browser', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let alice;
  let bob;
  let sessionId;
  let aliceStream;
  let bobStream;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    const session = await server.createSession('relayed');
    sessionId = session.sessionId;
    assert.equal(session.mediaMode, 'relayed');
    alice = await openSdkPage(browser, server.url);
    bob = await openSdkPage(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('two participants join and see each other connect', async () => {
    const aliceToken = await server.createToken(sessionId, 'publisher', 'Alice');
    const bobToken = await server.createToken(sessionId, 'publisher', 'Bob');
    const aliceId = await alice.evaluate(([s, t]) => T.join(s, t), [sessionId, aliceToken]);
    const bobId = await bob.evaluate(([s, t]) => T.join(s, t), [sessionId, bobToken]);
    assert.match(aliceId, /^con_/);
    assert.notEqual(aliceId, bobId);
    // Alice hears about Bob through an event; Bob learns about Alice from the join snapshot.
    await waitInPage(alice, (id) => T.has('connectionCreated', (e) => e.connectionId === id && e.data === 'Bob'), bobId, {
      what: 'alice sees bob',
    });
    await waitInPage(bob, (id) => T.has('connectionCreated', (e) => e.connectionId === id && e.data === 'Alice'), aliceId, {
      what: 'bob sees alice',
    });
    assert.equal(await alice.evaluate(() => T.session.mediaMode), 'relayed');
  });

  test('each page decodes the other page\'s camera video', async () => {
    await alice.evaluate(() => {
      T.autoSubscribe = true;
    });
    await bob.evaluate(() => {
      T.autoSubscribe = true;
    });
    aliceStream = await alice.evaluate(() => T.publish({ name: 'Alice camera' }));
    bobStream = await bob.evaluate(() => T.publish({ name: 'Bob camera' }));
    await waitInPage(bob, (id) => T.subscribers.has(id), aliceStream, { what: 'bob subscribed to alice' });
    await waitInPage(alice, (id) => T.subscribers.has(id), bobStream, { what: 'alice subscribed to bob' });
    const atBob = await waitForDecodedFrames(bob, aliceStream, 10);
    const atAlice = await waitForDecodedFrames(alice, bobStream, 10);
    assert.ok(atBob > 10 && atAlice > 10);
    // …and keeps decoding (not a one-off key frame).
    const later = await waitForDecodedFrames(bob, aliceStream, atBob + 10);
    assert.ok(later > atBob);
    const streamInfo = await bob.evaluate((id) => T.events.find((e) => e.name === 'streamCreated' && e.streamId === id), aliceStream);
    assert.equal(streamInfo.streamName, 'Alice camera');
    assert.equal(streamInfo.videoType, 'camera');
    assert.equal(streamInfo.hasAudio, true);
    assert.equal(streamInfo.hasVideo, true);
    assert.deepEqual(await bob.evaluate(() => T.subscribeErrors), []);
  });

  test('audio arrives too', async () => {
    const deadline = Date.now() + 20_000;
    let packets = 0;
    while (Date.now() < deadline && packets < 20) {
      packets = await bob.evaluate((id) => T.audioPacketsReceived(id), aliceStream);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(packets >= 20, `bob received ${packets} audio packets from alice`);
  });

  test('muting the microphone and turning off the camera reach the other side', async () => {
    await alice.evaluate(() => T.publishers[0].publishAudio(false));
    await waitInPage(
      bob,
      (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasAudio' && e.newValue === false),
      aliceStream,
      { what: 'bob sees alice muted' },
    );
    await alice.evaluate(() => T.publishers[0].publishVideo(false));
    await waitInPage(
      bob,
      (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasVideo' && e.newValue === false),
      aliceStream,
      { what: 'bob sees alice camera off' },
    );
    assert.equal(await bob.evaluate((id) => T.session.getStream(id).hasVideo, aliceStream), false);
    await alice.evaluate(() => T.publishers[0].publishVideo(true));
    await alice.evaluate(() => T.publishers[0].publishAudio(true));
    await waitInPage(
      bob,
      (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasVideo' && e.newValue === true),
      aliceStream,
      { what: 'bob sees alice camera back on' },
    );
  });

  test('a subscriber can stop and resume receiving video', async () => {
    await bob.evaluate((id) => T.subscribers.get(id).subscribeToVideo(false), aliceStream);
    assert.equal(await bob.evaluate((id) => T.subscribers.get(id).isSubscribedToVideo, aliceStream), false);
    await bob.evaluate((id) => T.subscribers.get(id).subscribeToVideo(true), aliceStream);
    assert.equal(await bob.evaluate((id) => T.subscribers.get(id).isSubscribedToVideo, aliceStream), true);
  });

  test('a screen share is a second stream with videoType "screen"', async (t) => {
    // getDisplayMedia with Chromium's fake UI; when headless Chromium has no screen to capture, fall back
    // to a canvas track published as a screen (the SDK path after getDisplayMedia is the same).
    const result = await alice.evaluate(async () => {
      const viaDisplay = await T.attempt(() => T.publish({ name: 'Alice screen', videoSource: 'screen' }));
      if (viaDisplay.ok) return { streamId: viaDisplay.value, source: 'getDisplayMedia' };
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 360;
      const ctx = canvas.getContext('2d');
      let n = 0;
      setInterval(() => {
        ctx.fillStyle = `hsl(${(n++ * 7) % 360} 60% 40%)`;
        ctx.fillRect(0, 0, 640, 360);
      }, 50);
      const track = canvas.captureStream(20).getVideoTracks()[0];
      const streamId = await T.publish({ name: 'Alice screen', videoSource: track, videoType: 'screen', audioSource: false });
      return { streamId, source: `canvas (getDisplayMedia: ${viaDisplay.name})` };
    });
    t.diagnostic(`screen source: ${result.source}`);
    await waitInPage(
      bob,
      (id) => T.has('streamCreated', (e) => e.streamId === id && e.videoType === 'screen' && e.hasAudio === false),
      result.streamId,
      { what: 'bob sees the screen stream' },
    );
    await waitForDecodedFrames(bob, result.streamId, 5);
    await alice.evaluate((id) => T.session.unpublish(T.publishers.find((p) => p.stream.streamId === id)), result.streamId);
    await waitInPage(
      bob,
      (id) => T.has('streamDestroyed', (e) => e.streamId === id && e.reason === 'unpublished'),
      result.streamId,
      { what: 'bob sees the screen share end' },
    );
  });

  test('getStats reports what was sent', async () => {
    const stats = await alice.evaluate(async () => {
      const s = await T.publishers[0].getStats();
      return { video: s.video, audio: s.audio, state: s.connectionState };
    });
    assert.ok(stats.video.bytes > 0 && stats.video.frames > 0, JSON.stringify(stats));
    assert.ok(stats.audio.packets > 0, JSON.stringify(stats));
    assert.equal(stats.state, 'connected');
  });

  test('leaving tells the others, with reason clientDisconnected', async () => {
    const bobId = await bob.evaluate(() => T.session.connection.connectionId);
    await bob.evaluate(() => T.session.disconnect());
    await waitInPage(bob, () => T.has('sessionDisconnected', (e) => e.reason === 'clientDisconnected'), null, {
      what: 'bob disconnected',
    });
    await waitInPage(
      alice,
      ([s, c]) =>
        T.has('streamDestroyed', (e) => e.streamId === s && e.reason === 'clientDisconnected') &&
        T.has('connectionDestroyed', (e) => e.connectionId === c && e.reason === 'clientDisconnected'),
      [bobStream, bobId],
      { what: 'alice sees bob leave' },
    );
  });
});
