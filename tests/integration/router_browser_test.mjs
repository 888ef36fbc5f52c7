// Chromium publishes VP8 + Opus (fake camera and microphone) through the router and decodes it back
// on a second peer connection: framesDecoded must grow. Run from web/ (for playwright-core):
//   node ../tests/integration/router_browser_test.mjs <router_browser_harness> [chromium]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');

const [harnessPath, chromiumPath = '/usr/bin/chromium'] = process.argv.slice(2);
const harness = spawn(harnessPath, [], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  let out = '';
  harness.stdout.on('data', (d) => {
    out += d;
    const m = /listening (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  harness.on('exit', (code) => reject(new Error(`harness exited ${code}`)));
});

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
         '--autoplay-policy=no-user-gesture-required'],
});
let failed = false;
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log('page:', m.text()));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate(() => publish());
  await page.evaluate(() => subscribe());
  let last = null;
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    last = await page.evaluate(() => inbound());
    if (last.video >= 30 && last.audio >= 50) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log('inbound at the subscriber:', JSON.stringify(last));
  if (!(last && last.video >= 30 && last.audio >= 50)) {
    console.error('FAIL: the subscriber did not decode the published media through the router');
    failed = true;
  } else {
    console.log('PASS: Chromium decoded video and received audio forwarded by the router');
  }
} catch (e) {
  console.error('FAIL:', e);
  failed = true;
} finally {
  await browser.close();
  harness.kill();
}
process.exit(failed ? 1 : 0);
