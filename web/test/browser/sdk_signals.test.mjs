// Signals through the SDK: broadcast reaches everyone (the sender too), a targeted signal reaches only
// its target, and limits and bad tokens fail with an error.name a caller can act on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();

describe('signals', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let sessionId;
  const pages = {};
  const ids = {};

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
    sessionId = (await server.createSession('relayed')).sessionId;
    for (const name of ['ann', 'ben', 'cat']) {
      pages[name] = await openSdkPage(browser, server.url);
      const token = await server.createToken(sessionId, name === 'cat' ? 'subscriber' : 'publisher', name);
      ids[name] = await pages[name].evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    }
    // Everyone knows everyone before signals fly, so `from` resolves to a known connection.
    await waitInPage(pages.ann, (n) => T.session.connections.length === n, 2, { what: 'ann sees two others' });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a broadcast signal reaches everyone, sender included', async () => {
    await pages.ann.evaluate(() => T.session.signal({ type: 'chat', data: 'hello all' }));
    for (const name of ['ann', 'ben', 'cat']) {
      await waitInPage(
        pages[name],
        (from) => T.has('signal', (e) => e.type === 'chat' && e.data === 'hello all' && e.from === from),
        ids.ann,
        { what: `${name} got the broadcast` },
      );
    }
  });

  test('a targeted signal reaches only its target', async () => {
    await pages.ben.evaluate((to) => T.session.signal({ type: 'whisper', data: 'just you', to }), ids.cat);
    await waitInPage(pages.cat, () => T.has('signal', (e) => e.type === 'whisper' && e.data === 'just you'), null, {
      what: 'cat got the whisper',
    });
    // A later broadcast is the barrier: once it arrived, the whisper would have arrived before it.
    await pages.ben.evaluate(() => T.session.signal({ type: 'barrier', data: '' }));
    for (const name of ['ann', 'ben']) {
      await waitInPage(pages[name], () => T.has('signal', (e) => e.type === 'barrier'), null, { what: `${name} barrier` });
      assert.equal(await pages[name].evaluate(() => T.has('signal', (e) => e.type === 'whisper')), false, name);
    }
  });

  test('signal:<type> events fire alongside signal', async () => {
    const got = pages.ben.evaluate(
      () =>
        new Promise((resolve) => {
          T.session.once('signal:ping-type', (e) => resolve(e.data));
        }),
    );
    await pages.ann.evaluate(() => T.session.signal({ type: 'ping-type', data: 'typed' }));
    assert.equal(await got, 'typed');
  });

  test('oversized and malformed signals fail with a named error', async () => {
    const big = await pages.ann.evaluate(() => T.attempt(() => T.session.signal({ type: 'x', data: 'a'.repeat(9000) })));
    assert.equal(big.ok, false);
    assert.equal(big.name, 'MessageTooLargeError');
    const longType = await pages.ann.evaluate(() => T.attempt(() => T.session.signal({ type: 't'.repeat(200) })));
    assert.equal(longType.name, 'MessageTooLargeError');
    const badTo = await pages.ann.evaluate(() => T.attempt(() => T.session.signal({ data: 'x', to: 'con_doesnotexist' })));
    assert.equal(badTo.name, 'NotFoundError');
    const notString = await pages.ann.evaluate(() => T.attempt(() => T.session.signal({ data: 42 })));
    assert.equal(notString.name, 'InvalidParameterError');
  });

  test('a bad or foreign token is refused with InvalidTokenError', async () => {
    const page = await openSdkPage(browser, server.url);
    const garbage = await page.evaluate((s) => T.attempt(() => T.join(s, 'not-a-token')), sessionId);
    assert.equal(garbage.ok, false);
    assert.equal(garbage.name, 'InvalidTokenError');
    assert.equal(await page.evaluate(() => T.session.state), 'disconnected');
    // A valid token for another session does not open this one.
    const other = await server.createSession('relayed');
    const foreign = await server.createToken(other.sessionId, 'publisher');
    const wrong = await page.evaluate(([s, t]) => T.attempt(() => T.join(s, t)), [sessionId, foreign]);
    assert.equal(wrong.name, 'InvalidTokenError');
    await page.close();
  });

  test('calls before connect fail with NotConnectedError', async () => {
    const page = await openSdkPage(browser, server.url);
    const result = await page.evaluate((s) => {
      T.init(s);
      return T.attempt(() => T.session.signal({ data: 'x' }));
    }, sessionId);
    assert.equal(result.name, 'NotConnectedError');
    await page.close();
  });
});
