// The same vector checks as test/e2ee_vectors.test.mjs, run inside Chromium against the bundle, so
// the browser's WebCrypto agrees byte for byte with Node's and with the C++ implementation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, startServer } from './e2ee_harness.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function assertAllPass(results) {
  const failures = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
  assert.deepEqual(failures, []);
  assert.ok(results.length > 0);
}

test('every e2ee-v1 vector passes inside Chromium', async () => {
  const results = await page.evaluate(async () => {
    const core = await import('/dist/umbra-e2ee.js');
    const { runE2eeVectorChecks } = await import('/test/e2ee_vector_checks.mjs');
    return runE2eeVectorChecks(core, await (await fetch('/vectors/e2ee-v1.json')).text());
  });
  assertAllPass(results);
});

test('every RFC 9605 header and suite 4 vector passes inside Chromium', async () => {
  const results = await page.evaluate(async () => {
    const core = await import('/dist/umbra-e2ee.js');
    const { runSFrameVectorChecks } = await import('/test/e2ee_vector_checks.mjs');
    return runSFrameVectorChecks(core, await (await fetch('/vectors/sframe/test-vectors.json')).text());
  });
  assertAllPass(results);
});

test('this Chromium has RTCRtpScriptTransform and the SDK reports end-to-end encryption support', async () => {
  const support = await page.evaluate(async () => {
    const sdk = await import('/dist/umbra-sdk.js');
    return { scriptTransform: typeof RTCRtpScriptTransform, supported: sdk.hasEndToEndEncryptionSupport() };
  });
  assert.deepEqual(support, { scriptTransform: 'function', supported: true });
});

test('the controller refuses a bad secret and attaching before any secret, by error name', async () => {
  const names = await page.evaluate(async () => {
    const sdk = await import('/dist/umbra-sdk.js');
    const ctl = new sdk.E2eeController('s', { workerUrl: '/dist/umbra-e2ee-worker.js' });
    const pc = new RTCPeerConnection();
    const sender = pc.addTransceiver('video').sender;
    const out = {};
    try {
      ctl.attachSender(sender, { codec: 'vp8', streamId: 'x' });
    } catch (e) {
      out.attachWithoutSecret = e.name;
    }
    out.shortSecret = await ctl.setEncryptionSecret('7 chars').then(() => 'accepted', (e) => e.name);
    out.longSecret = await ctl.setEncryptionSecret('x'.repeat(257)).then(() => 'accepted', (e) => e.name);
    out.hasSecretAfterRefusals = ctl.hasSecret;
    out.goodSecret = await ctl.setEncryptionSecret('eight ch').then(() => 'accepted', (e) => e.name);
    out.code = ctl.getVerificationCode();
    ctl.attachSender(sender, { codec: 'vp8', streamId: 'x' });
    out.attached = sender.transform !== null;
    ctl.close();
    pc.close();
    return out;
  });
  assert.equal(names.attachWithoutSecret, 'EncryptionSecretRequiredError');
  assert.equal(names.shortSecret, 'InvalidEncryptionSecretError');
  assert.equal(names.longSecret, 'InvalidEncryptionSecretError');
  assert.equal(names.hasSecretAfterRefusals, false);
  assert.equal(names.goodSecret, 'accepted');
  assert.match(names.code, /^\d{5} \d{5} \d{5} \d{5}$/);
  assert.equal(names.attached, true);
});
