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
