// An end-to-end encrypted routed session through the SDK: two pages with the same secret decode each
// other through the router (which only sees SFrame ciphertext), a page with another secret gets
// encryptionSecretMismatch and never decodes a frame, verification codes agree exactly when secrets do,
// and a page without a secret cannot publish.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();
const SECRET = 'correct horse battery staple';

describe('end-to-end encrypted routed session', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  let alice;
  let bob;
  let eve;
  let routerReady = true;

  const join = async (page, secret, name) =>
    page.evaluate(
      async ([s, t, secret]) => {
        T.autoSubscribe = true;
        T.init(s, secret === null ? {} : { encryptionSecret: secret });
        T.session.on('encryptionSecretMismatch', (e) => T.record('mismatch', { streamId: e.stream.streamId }));
        T.session.on('encryptionSecretMatch', (e) => T.record('match', { streamId: e.stream.streamId }));
        await T.session.connect(t);
        return T.session.connection.connectionId;
      },
      [sessionId, await server.createToken(sessionId, 'publisher', name), secret],
    );

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
    await join(eve, 'a different secret', 'eve');
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

  test('same secret decodes through the router; another secret gets a mismatch and no frames', async (t) => {
    const published = await alice.evaluate(() => T.attempt(() => T.publish({ name: 'alice' })));
    if (!published.ok && published.name === 'RouterUnavailableError') {
      routerReady = false;
      t.skip(`the server has no media router (${published.message})`);
      return;
    }
    assert.equal(published.ok, true, `${published.name}: ${published.message}`);
    const streamId = published.value;
    await waitInPage(bob, (id) => T.subscribers.has(id), streamId, { what: 'bob subscribed' });
    await waitForDecodedFrames(bob, streamId, 20);
    assert.equal(await bob.evaluate((id) => (async () => (await T.subscribers.get(id).getStats()).video.codec)(), streamId), 'video/VP8');
    await waitInPage(eve, (id) => T.has('mismatch', (e) => e.streamId === id), streamId, { what: 'eve mismatch', timeout: 30_000 });
    // Eve's decoder never saw a frame: undecryptable frames are dropped, never decoded as garbage.
    assert.equal(await eve.evaluate((id) => T.framesDecoded(id), streamId), 0);
    assert.equal(await bob.evaluate(() => T.has('mismatch')), false);
  });

  test('eve switching to the right secret starts decoding (encryptionSecretMatch)', async (t) => {
    if (!routerReady) return t.skip('no media router');
    const streamId = await alice.evaluate(() => T.publishers[0].stream.streamId);
    await eve.evaluate((s) => T.session.setEncryptionSecret(s), SECRET);
    await waitInPage(eve, (id) => T.has('match', (e) => e.streamId === id), streamId, { what: 'eve match', timeout: 30_000 });
    await waitForDecodedFrames(eve, streamId, 10);
    assert.equal(
      await eve.evaluate(() => T.session.getVerificationCode()),
      await alice.evaluate(() => T.session.getVerificationCode()),
    );
  });

  test('without a secret, publishing fails with EncryptionSecretRequiredError', async () => {
    const page = await openSdkPage(browser, server.url);
    await join(page, null, 'nosecret');
    const result = await page.evaluate(() => T.attempt(() => T.publish({ name: 'x' })));
    assert.equal(result.ok, false);
    assert.equal(result.name, 'EncryptionSecretRequiredError');
    await page.close();
  });
});
