// Link failures: a dropped signaling WebSocket resumes with the same connection and streams (others
// notice nothing), and after a server restart the session is still there and people can rejoin it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

describe('resume and restart', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  let alice;
  let bob;
  let aliceId;
  let aliceStream;
  const tokens = {};

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    sessionId = (await server.createSession('relayed')).sessionId;
    alice = await openSdkPage(browser, server.url);
    bob = await openSdkPage(browser, server.url);
    tokens.alice = await server.createToken(sessionId, 'publisher', 'Alice');
    tokens.bob = await server.createToken(sessionId, 'publisher', 'Bob');
    aliceId = await alice.evaluate(([s, t]) => T.join(s, t), [sessionId, tokens.alice]);
    await bob.evaluate(([s, t]) => {
      T.autoSubscribe = true;
      return T.join(s, t);
    }, [sessionId, tokens.bob]);
    aliceStream = await alice.evaluate(() => T.publish({ name: 'Alice' }));
    await waitInPage(bob, (id) => T.subscribers.has(id), aliceStream, { what: 'bob subscribed' });
    await waitForDecodedFrames(bob, aliceStream, 5);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a dropped WebSocket resumes with the same connection and stream', async () => {
    const socketsBefore = await alice.evaluate(() => window.__sockets.length);
    // Close without `leave`: to the server this is a network drop (docs/protocol.md 3.3).
    await alice.evaluate(() => window.__sockets.at(-1).close());
    await waitInPage(alice, () => T.has('reconnecting'), null, { what: 'reconnecting' });
    await waitInPage(alice, () => T.has('reconnected'), null, { what: 'reconnected', timeout: 30_000 });
    assert.ok((await alice.evaluate(() => window.__sockets.length)) > socketsBefore, 'a new socket was opened');
    assert.equal(await alice.evaluate(() => T.session.connection.connectionId), aliceId);
    assert.equal(await alice.evaluate(() => T.session.state), 'connected');
    assert.equal(await alice.evaluate(() => T.publishers[0].destroyed), false);
    // Bob saw nothing: no connectionDestroyed, no streamDestroyed.
    assert.equal(await bob.evaluate(() => T.has('connectionDestroyed') || T.has('streamDestroyed')), false);
    // Media kept flowing and signaling works on the new socket.
    const before = await bob.evaluate((id) => T.framesDecoded(id), aliceStream);
    await waitForDecodedFrames(bob, aliceStream, before + 10);
    await alice.evaluate(() => T.session.signal({ type: 'after-resume', data: 'still here' }));
    await waitInPage(bob, (from) => T.has('signal', (e) => e.type === 'after-resume' && e.from === from), aliceId, {
      what: 'signal after resume',
    });
    // A toggle after the resume reaches Bob (requests go out on the new socket).
    await alice.evaluate(() => T.publishers[0].publishAudio(false));
    await waitInPage(
      bob,
      (id) => T.has('streamPropertyChanged', (e) => e.streamId === id && e.property === 'hasAudio' && e.newValue === false),
      aliceStream,
      { what: 'mute after resume' },
    );
  });

  test('after a server restart the session is still there and participants can rejoin', async (t) => {
    for (const page of [alice, bob]) await page.evaluate(() => (T.restartMark = Date.now()));
    await server.restart();
    // The REST API still knows the session.
    const info = await server.api('GET', `/v1/sessions/${sessionId}`);
    assert.equal(info.sessionId, sessionId);
    assert.equal(info.mediaMode, 'relayed');
    // The clients noticed the drop. Either the restarted server resumed them, or resume failed and the
    // session ended with networkDisconnected — then the application reconnects with its token.
    for (const [name, page] of [['alice', alice], ['bob', bob]]) {
      await waitInPage(page, () => T.has('reconnected', (e) => e.at > T.restartMark) || T.session.state === 'disconnected', null, {
        what: `${name} resumed or gave up`,
        timeout: 40_000,
      });
    }
    const states = await Promise.all([alice, bob].map((p) => p.evaluate(() => T.session.state)));
    t.diagnostic(`after the restart: alice ${states[0]}, bob ${states[1]} (disconnected = resume refused, rejoined with the token)`);
    for (const [i, page] of [alice, bob].entries()) {
      if (states[i] === 'disconnected') {
        const name = i === 0 ? 'alice' : 'bob';
        await page.evaluate(([s, t]) => T.session.connect(t), [sessionId, tokens[name]]);
      }
    }
    // Both are connected again and see each other; a fresh stream flows.
    await waitInPage(alice, () => T.session.state === 'connected' && T.session.connections.length === 1, null, {
      what: 'alice connected with bob present',
    });
    const stream = await alice.evaluate(async () => {
      if (T.publishers.some((p) => !p.destroyed)) return T.publishers.find((p) => !p.destroyed).stream.streamId;
      return T.publish({ name: 'Alice again' });
    });
    await waitInPage(bob, (id) => T.subscribers.has(id), stream, { what: 'bob subscribed after restart' });
    await waitForDecodedFrames(bob, stream, 5);
  });
});
