// Debian's Chromium driven by playwright-core (never a downloaded browser), with fake camera, microphone
// and permission prompts. Each test page is a blank document on the server's origin (so /sdk/umbra.js and
// /v1/rtc are same-origin) with page_harness.js loaded as window.T.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const harness = readFileSync(new URL('./page_harness.js', import.meta.url), 'utf8');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Remote <video> elements play unmuted; headless pages never get a user gesture.
  '--autoplay-policy=no-user-gesture-required',
  // getDisplayMedia: pick a source without a picker.
  '--auto-select-desktop-capture-source=Entire screen',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.UMBRA_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Every WebSocket the page opens is kept in window.__sockets, so a test can drop the signaling link
// the way a network would (close without `leave`).
const trackSockets = () => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
};

export async function openSdkPage(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  const log = [];
  page.on('console', (msg) => log.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => log.push(`[pageerror] ${err.message}`));
  await page.addInitScript(trackSockets);
  // The document must come from the server itself: Chromium's local-network-access checks block a page
  // Playwright fulfilled (an "unknown" address space) from opening a WebSocket to 127.0.0.1. Any path
  // will do (a 404 is fine); its content is replaced by a blank body and the harness.
  await page.goto(`${baseUrl}/__sdk_test__`);
  await page.evaluate(() => {
    document.head.replaceChildren();
    document.body.replaceChildren();
    document.title = 'umbra sdk test';
  });
  await page.addScriptTag({ type: 'module', content: harness });
  await page.waitForFunction(() => window.T !== undefined, null, { timeout: 15_000 });
  page.consoleLog = log;
  return page;
}

// Polls `fn` in the page until it returns something truthy; on timeout the error includes the page's
// recorded events and console, which is what one needs to debug a failing call.
export async function waitInPage(page, fn, arg, { timeout = 20_000, what = 'condition' } = {}) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (err) {
    const events = await page.evaluate(() => window.T?.events ?? []).catch(() => []);
    throw new Error(
      `${what} not reached: ${err.message}\nevents: ${JSON.stringify(events)}\nconsole:\n${(page.consoleLog ?? []).join('\n')}`,
    );
  }
}

// Waits until the page has decoded more than `frames` video frames of the stream (framesDecoded grows:
// the publisher's fake camera reached this page's decoder).
export async function waitForDecodedFrames(page, streamId, frames = 10, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last = 0;
  while (Date.now() < deadline) {
    last = await page.evaluate((id) => window.T.framesDecoded(id), streamId);
    if (last > frames) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  const events = await page.evaluate(() => window.T.events);
  throw new Error(
    `stream ${streamId}: only ${last} frames decoded in ${timeout} ms\nevents: ${JSON.stringify(events)}\n` +
      `console:\n${(page.consoleLog ?? []).join('\n')}`,
  );
}
