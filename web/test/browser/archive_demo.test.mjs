// The demo's recording UI (issue 6: "the demo shows a recording indicator"). Two tabs in one routed
// room: Record in one tab shows the REC badge in both (the badge follows the session's archiveStarted /
// archiveStopped events, not the click), a third person joining meanwhile sees it at once, Stop hides it
// everywhere, and the server holds one stopped archive.
// In a relayed or an end-to-end encrypted room the Record button is marked unavailable with the session
// capability's reason, and clicking it says that reason instead of failing silently. Screenshot of the
// recording room: docs/demo-recording.png with UMBRA_UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from '../helpers/browser.mjs';
import { screenshotPath } from '../helpers/screenshot.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';
import { joinRoom, openDemo, waitForRemoteVideo } from '../helpers/demo.mjs';

const skip = skipReason();

async function waitForBadge(page, visible, who) {
  try {
    await page.waitForSelector('#rec-badge', { state: visible ? 'visible' : 'hidden', timeout: 15_000 });
  } catch (err) {
    const status = await page.textContent('#status').catch(() => '');
    throw new Error(`${who}: REC badge not ${visible ? 'shown' : 'hidden'} (status: "${status}")\n${err.message}\n${page.consoleLog.join('\n')}`);
  }
}

const label = (page) => page.textContent('#record-button .label');

describe('demo page, recording', { skip: skip ?? false }, () => {
  let server;
  let browser;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('Record in one tab shows the REC badge in both tabs; Stop hides it in both', async () => {
    const ada = await openDemo(browser, server.url);
    const lin = await openDemo(browser, server.url);
    await joinRoom(ada, 'recorded-standup', 'Ada');
    await joinRoom(lin, 'recorded-standup', 'Linus');
    await waitForRemoteVideo(ada);
    await waitForRemoteVideo(lin);
    for (const page of [ada, lin]) {
      assert.equal(await page.isVisible('#rec-badge'), false);
      assert.equal(await label(page), 'Record');
      assert.equal(await page.getAttribute('#record-button', 'aria-disabled'), 'false');
    }

    await ada.click('#record-button');
    await waitForBadge(ada, true, 'Ada');
    await waitForBadge(lin, true, 'Linus');
    for (const page of [ada, lin]) {
      assert.match(await page.textContent('#rec-badge'), /REC/);
      assert.equal(await page.textContent('#rec-name'), 'recorded-standup');
      assert.match(await page.textContent('#rec-elapsed'), /^\d+:\d\d$/);
      assert.equal(await page.getAttribute('#record-button', 'aria-pressed'), 'true');
    }
    await ada.waitForFunction(() => document.querySelector('#record-button .label').textContent === 'Stop recording');
    assert.equal(await label(lin), 'Stop recording');
    await lin.waitForFunction(() =>
      [...document.querySelectorAll('.chat-log li.system')].some((li) => li.textContent === 'Recording started'),
    );
    const sessionId = await ada.evaluate(() => window.umbraDemo.session.sessionId);
    await lin.screenshot({ path: screenshotPath('demo-recording.png') });

    // Someone who joins while it records sees it at once (the SDK's session.archive from `joined`).
    const grace = await openDemo(browser, server.url);
    await joinRoom(grace, 'recorded-standup', 'Grace');
    await waitForBadge(grace, true, 'Grace');
    await grace.waitForFunction(() =>
      [...document.querySelectorAll('.chat-log li.system')].some((li) => li.textContent === 'This room is being recorded'),
    );

    // Either tab can stop it.
    await lin.click('#record-button');
    await waitForBadge(ada, false, 'Ada');
    await waitForBadge(lin, false, 'Linus');
    await waitForBadge(grace, false, 'Grace');
    await lin.waitForFunction(() => document.querySelector('#record-button .label').textContent === 'Record');
    assert.equal(await label(ada), 'Record');
    await ada.waitForFunction(() =>
      [...document.querySelectorAll('.chat-log li.system')].some((li) => li.textContent === 'Recording stopped'),
    );

    const listed = await server.api('GET', `/v1/archives?sessionId=${encodeURIComponent(sessionId)}`);
    const items = Array.isArray(listed) ? listed : (listed.items ?? listed.archives ?? []);
    assert.equal(items.length, 1, JSON.stringify(items));
    assert.equal(items[0].name, 'recorded-standup');
    assert.ok(['stopping', 'stopped'].includes(items[0].status), items[0].status);
    await ada.close();
    await lin.close();
    await grace.close();
  });

  test('a relayed room cannot be recorded, and the Record button says why', async () => {
    const page = await openDemo(browser, server.url);
    await joinRoom(page, 'relayed-chat', 'Grace', { mode: 'relayed' });
    assert.equal(await page.getAttribute('#record-button', 'aria-disabled'), 'true');
    const title = await page.getAttribute('#record-button', 'title');
    assert.match(title, /^Recording is not available: .*routed session/);
    await page.click('#record-button', { force: true }); // aria-disabled: Playwright would wait for it to be enabled
    await page.waitForSelector('#status:not([hidden])');
    assert.equal(await page.textContent('#status'), title);
    assert.equal(await page.isVisible('#rec-badge'), false);
    await page.close();
  });

  test('an end-to-end encrypted room cannot be recorded, because the router cannot decode its media', async () => {
    const page = await openDemo(browser, server.url);
    await joinRoom(page, 'private-room', 'Eve', { secret: 'a long shared secret' });
    assert.equal(await page.getAttribute('#record-button', 'aria-disabled'), 'true');
    const title = await page.getAttribute('#record-button', 'title');
    assert.match(title, /^Recording is not available: .*router cannot decode end-to-end encrypted media/);
    await page.click('#record-button', { force: true }); // aria-disabled: Playwright would wait for it to be enabled
    await page.waitForSelector('#status:not([hidden])');
    assert.equal(await page.textContent('#status'), title);
    await page.close();
  });
});
