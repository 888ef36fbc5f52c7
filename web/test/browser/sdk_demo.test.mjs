// The demo page at `/`: two people join the same room by name through the form, see each other's video
// tile and chat. The first page is screenshotted into docs/demo.png (the README shows it) when
// UMBRA_UPDATE_SCREENSHOTS=1, else into a temporary directory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from '../helpers/browser.mjs';
import { screenshotPath } from '../helpers/screenshot.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';
import { joinRoom, openDemo, waitForRemoteVideo } from '../helpers/demo.mjs';

const skip = skipReason();

describe('demo page', { skip: skip ?? false }, () => {
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

  test('is served at / and shows the join form', async () => {
    const page = await openDemo(browser, server.url);
    assert.equal(await page.title(), 'Umbra — video rooms');
    assert.ok(await page.isVisible('#join-form'));
    await page.close();
  });

  test('two people join a room by name, see each other and chat; screenshot (docs/demo.png)', async () => {
    const ada = await openDemo(browser, server.url);
    const lin = await openDemo(browser, server.url);
    await joinRoom(ada, 'design-review', 'Ada Lovelace', { mode: 'relayed' });
    await joinRoom(lin, 'design-review', 'Linus', { mode: 'relayed' });
    await waitForRemoteVideo(ada, 1);
    await waitForRemoteVideo(lin, 1);
    assert.equal(await ada.textContent('#mode-badge'), 'relayed');
    assert.equal(await ada.textContent('#people-count'), '2 people');
    const names = await ada.$$eval('.tile .name', (els) => els.map((e) => e.textContent));
    assert.deepEqual(names.sort(), ['Ada Lovelace (you)', 'Linus'].sort());

    await lin.fill('#chat-input', 'Hi Ada! Can you see my screen share in a minute?');
    await lin.press('#chat-input', 'Enter');
    await ada.waitForSelector('.chat-log li:not(.system) .text', { timeout: 10_000 });
    await ada.fill('#chat-input', 'Yes — and the video looks great.');
    await ada.press('#chat-input', 'Enter');
    await lin.waitForFunction(() => document.querySelectorAll('.chat-log li:not(.system)').length >= 2);
    await ada.waitForFunction(() => document.querySelectorAll('.chat-log li:not(.system)').length >= 2);

    // Muting shows on the other side.
    await lin.click('#mic-button');
    await ada.waitForFunction(
      () => [...document.querySelectorAll('.tile:not(.self) .mic-off')].some((e) => !e.hasAttribute('hidden')),
      null,
      { timeout: 10_000 },
    );
    // A screen share shows up as its own, wider tile.
    await lin.click('#screen-button');
    await ada.waitForFunction(() => document.querySelectorAll('.tile.screen').length === 1, null, { timeout: 15_000 });
    await waitForRemoteVideo(ada, 2);

    await ada.screenshot({ path: screenshotPath('demo.png') });

    await lin.click('#leave-button');
    await lin.waitForSelector('#join-view:not([hidden])');
    await ada.waitForFunction(() => document.querySelectorAll('.tile').length === 1, null, { timeout: 10_000 });
    assert.equal(await ada.textContent('#people-count'), '1 person');
  });

  test('the default media mode is routed, and a routed room shows everyone through the router', async () => {
    const a = await openDemo(browser, server.url);
    const b = await openDemo(browser, server.url);
    for (const [page, name] of [[a, 'Grace'], [b, 'Alan']]) {
      await page.fill('#room-input', 'routed-room');
      await page.fill('#name-input', name);
      assert.equal(await page.isChecked('input[name="mediaMode"][value="routed"]'), true);
      await page.click('#join-button');
      await page.waitForSelector('#call-view:not([hidden])', { timeout: 20_000 });
    }
    assert.equal(await a.textContent('#mode-badge'), 'routed');
    await waitForRemoteVideo(a, 1);
    await waitForRemoteVideo(b, 1);
    await a.close();
    await b.close();
  });
});
