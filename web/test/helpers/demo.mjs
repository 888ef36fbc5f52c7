// Driving the demo app (web/demo) in Chromium: open a tab, join a room through the form, wait for
// remote video. Shared by the demo browser tests so the form's selectors live in one place.

// Keeps every RTCPeerConnection the page makes in window.__pcs, so a test can break one. Runs in
// the page (as an init script or through page.evaluate), so it must not close over anything.
export function trackPeerConnections() {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
}

// A fresh tab (own context: own devices, own storage) on the demo; its console is kept in
// page.consoleLog for failure messages.
export async function openDemo(browser, url, { trackPcs = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  if (trackPcs) await context.addInitScript(trackPeerConnections);
  const page = await context.newPage();
  const log = [];
  page.on('console', (msg) => log.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => log.push(`[pageerror] ${err.message}`));
  page.consoleLog = log;
  await page.goto(`${url}/`);
  return page;
}

// Fills the join form and waits for the call view; a failure says what the page showed.
export async function joinRoom(page, room, name, { mode = 'routed', secret = null } = {}) {
  await page.fill('#room-input', room);
  await page.fill('#name-input', name);
  await page.check(`input[name="mediaMode"][value="${mode}"]`, { force: true });
  if (secret !== null) {
    await page.check('#e2ee-toggle', { force: true });
    await page.fill('#secret-input', secret);
  }
  await page.click('#join-button');
  try {
    await page.waitForSelector('#call-view:not([hidden])', { timeout: 20_000 });
  } catch (err) {
    const error = await page.textContent('#join-error').catch(() => '');
    throw new Error(`${name} could not join: ${error}\n${err.message}\n${page.consoleLog.join('\n')}`);
  }
}

// At least `count` remote tiles whose video is actually playing.
export async function waitForRemoteVideo(page, count = 1) {
  await page.waitForFunction(
    (n) => {
      const videos = [...document.querySelectorAll('.tile:not(.self) video')];
      return videos.length >= n && videos.every((v) => v.videoWidth > 0 && v.currentTime > 0.5);
    },
    count,
    { timeout: 30_000, polling: 200 },
  );
}
