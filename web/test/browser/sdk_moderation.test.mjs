// Roles seen from the SDK: a moderator can mute a stream and remove a participant; a subscriber token
// cannot publish and a publisher cannot moderate, each with a clear error.name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

describe('moderation and roles', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  let mod;
  let pub;
  let sub;
  let pubId;
  let pubStream;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    sessionId = (await server.createSession('relayed')).sessionId;
    mod = await openSdkPage(browser, server.url);
    pub = await openSdkPage(browser, server.url);
    sub = await openSdkPage(browser, server.url);
    await mod.evaluate(([s, t]) => T.join(s, t), [sessionId, await server.createToken(sessionId, 'moderator', 'mod')]);
    pubId = await pub.evaluate(([s, t]) => T.join(s, t), [sessionId, await server.createToken(sessionId, 'publisher', 'pub')]);
    await sub.evaluate(([s, t]) => T.join(s, t), [sessionId, await server.createToken(sessionId, 'subscriber', 'sub')]);
    pubStream = await pub.evaluate(() => T.publish({ name: 'pub' }));
    await waitInPage(mod, (id) => T.has('streamCreated', (e) => e.streamId === id), pubStream, { what: 'mod sees stream' });
    await waitInPage(sub, (id) => T.has('streamCreated', (e) => e.streamId === id), pubStream, { what: 'sub sees stream' });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a subscriber token cannot publish and gets PermissionDeniedError', async () => {
    const result = await sub.evaluate(() => T.attempt(() => T.publish({ name: 'nope' })));
    assert.equal(result.ok, false);
    assert.equal(result.name, 'PermissionDeniedError');
    assert.match(result.message, /subscriber/);
    // …but it can subscribe.
    await sub.evaluate((id) => T.subscribe(id), pubStream);
  });

  test('the server refuses a subscriber publish even if the SDK check is bypassed', async () => {
    // Straight to the wire: the role is enforced by the server, not only by the SDK.
    const result = await sub.evaluate(async () => {
      const ws = window.__sockets.at(-1);
      return new Promise((resolve) => {
        const onMessage = (ev) => {
          const m = JSON.parse(ev.data);
          if (m.requestId === 'raw-publish') {
            ws.removeEventListener('message', onMessage);
            resolve(m);
          }
        };
        ws.addEventListener('message', onMessage);
        ws.send(JSON.stringify({ type: 'publish', requestId: 'raw-publish', stream: { name: 'x', hasAudio: true, hasVideo: true } }));
      });
    });
    assert.equal(result.type, 'error');
    assert.equal(result.code, 'forbidden');
  });

  test('a publisheronly token cannot subscribe and gets PermissionDeniedError', async () => {
    const page = await openSdkPage(browser, server.url);
    const token = await server.createToken(sessionId, 'publisheronly', 'camera-only');
    await page.evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    await waitInPage(page, (id) => T.session.getStream(id) !== undefined, pubStream, { what: 'sees the stream' });
    const result = await page.evaluate((id) => T.attempt(() => T.subscribe(id)), pubStream);
    assert.equal(result.ok, false);
    assert.equal(result.name, 'PermissionDeniedError');
    // …but it can publish.
    assert.match(await page.evaluate(() => T.publish({ name: 'camera-only' })), /^str_/);
    await page.evaluate(() => T.session.disconnect());
    await page.close();
  });

  test('a publisher cannot force-mute or force-disconnect', async () => {
    const mute = await pub.evaluate((id) => T.attempt(() => T.session.forceMuteStream(id)), pubStream);
    assert.equal(mute.name, 'PermissionDeniedError');
    const kick = await pub.evaluate(() => T.attempt(() => T.session.forceDisconnect(T.session.connections[0])));
    assert.equal(kick.name, 'PermissionDeniedError');
  });

  test('a moderator force-mutes a stream: the publisher is told and everyone sees hasAudio false', async () => {
    await mod.evaluate((id) => T.session.forceMuteStream(id), pubStream);
    await waitInPage(pub, (id) => T.has('forceMuted', (e) => e.streamId === id), pubStream, { what: 'publisher force-muted' });
    assert.equal(await pub.evaluate(() => T.publishers[0].isPublishingAudio), false);
    assert.equal(
      await pub.evaluate(() => T.publishers[0].mediaStream.getAudioTracks()[0].enabled),
      false,
      'the microphone track is disabled locally',
    );
    for (const page of [mod, sub]) {
      await waitInPage(
        page,
        (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasAudio' && e.newValue === false),
        pubStream,
        { what: 'hasAudio false seen' },
      );
    }
    // The publisher may unmute itself afterwards (a force mute is not a ban).
    await pub.evaluate(() => T.publishers[0].publishAudio(true));
    await waitInPage(
      sub,
      (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasAudio' && e.newValue === true),
      pubStream,
      { what: 'unmuted again' },
    );
  });

  test('a moderator force-disconnects a participant', async () => {
    await mod.evaluate((id) => T.session.forceDisconnect(id), pubId);
    await waitInPage(pub, () => T.has('sessionDisconnected', (e) => e.reason === 'forceDisconnected'), null, {
      what: 'publisher was disconnected',
    });
    assert.equal(await pub.evaluate(() => T.session.state), 'disconnected');
    for (const page of [mod, sub]) {
      await waitInPage(
        page,
        ([c, s]) =>
          T.has('streamDestroyed', (e) => e.streamId === s && e.reason === 'forceDisconnected') &&
          T.has('connectionDestroyed', (e) => e.connectionId === c && e.reason === 'forceDisconnected'),
        [pubId, pubStream],
        { what: 'others see the force disconnect' },
      );
    }
    // The kicked client does not silently come back.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await pub.evaluate(() => T.has('reconnecting')), false);
  });
});
