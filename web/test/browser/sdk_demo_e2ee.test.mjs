// The demo's end-to-end encryption UI, through the real server and media router: a secret field that
// judges the secret as it is typed, a room created encrypted, a second person asked for the secret of
// the existing room, a lock on every tile ("encrypted" / "cannot decrypt") driven by the subscribers'
// encryptionSecretMismatch/Match, equal verification codes for equal secrets, a banner naming whoever
// cannot be decrypted, and "Change secret". Screenshot: docs/demo-e2ee.png with UMBRA_UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser } from '../helpers/browser.mjs';
import { screenshotPath } from '../helpers/screenshot.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';
import { openDemo } from '../helpers/demo.mjs';

const skip = skipReason();
const ROOM = 'board-meeting';
const SECRET = 'tulips in the spring rain';
const WRONG = 'autumn leaves falling';
const CODE = /^\d{5} \d{5} \d{5} \d{5}$/;

async function inCall(page, who) {
  try {
    await page.waitForSelector('#call-view:not([hidden])', { timeout: 20_000 });
  } catch (err) {
    const error = await page.textContent('#join-error').catch(() => '');
    throw new Error(`${who} could not join: ${error}\n${err.message}\n${page.consoleLog.join('\n')}`);
  }
}

// Creates (or joins) the room with the encryption toggle on.
async function joinEncrypted(page, name, secret) {
  await page.fill('#room-input', ROOM);
  await page.fill('#name-input', name);
  await page.check('#e2ee-toggle', { force: true });
  await page.fill('#secret-input', secret);
  await page.click('#join-button');
  await inCall(page, name);
}

// The lock states of the remote tiles, by display name: { Grace: 'encrypted', ... }.
const remoteLocks = (page) =>
  page.$$eval('.tile:not(.self)', (tiles) =>
    Object.fromEntries(
      tiles.map((t) => [t.querySelector('.name').textContent, `${t.dataset.e2ee}|${t.querySelector('.lock-text').textContent}`]),
    ),
  );

async function waitForLocks(page, expected, what) {
  try {
    await page.waitForFunction(
      (want) => {
        const tiles = [...document.querySelectorAll('.tile:not(.self)')];
        const got = Object.fromEntries(tiles.map((t) => [t.querySelector('.name').textContent, t.dataset.e2ee]));
        return Object.keys(want).length === tiles.length && Object.entries(want).every(([n, s]) => got[n] === s);
      },
      expected,
      { timeout: 20_000, polling: 100 },
    );
  } catch (err) {
    throw new Error(`${what}: wanted ${JSON.stringify(expected)}, got ${JSON.stringify(await remoteLocks(page))}\n${err.message}`);
  }
  // The visible words agree with the state.
  for (const [name, state] of Object.entries(await remoteLocks(page))) {
    const [key, text] = state.split('|');
    assert.equal(text, key === 'encrypted' ? 'encrypted' : 'cannot decrypt', `${what}: ${name}'s lock`);
  }
}

// Remote tiles whose video plays real (decrypted) frames.
async function waitForPlaying(page, names) {
  await page.waitForFunction(
    (want) =>
      want.every((n) =>
        [...document.querySelectorAll('.tile:not(.self)')].some((t) => {
          const v = t.querySelector('video');
          return t.querySelector('.name').textContent === n && v.videoWidth > 0 && v.currentTime > 0.5;
        }),
      ),
    names,
    { timeout: 30_000, polling: 200 },
  );
}

const code = (page) => page.textContent('#verification-code');
const banner = async (page) => ((await page.isVisible('#e2ee-banner')) ? page.textContent('#e2ee-banner-text') : null);

describe('demo page, end-to-end encrypted room', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let ada;
  let grace;
  let eve;

  before(async () => {
    server = await UmbraServer.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the secret field judges the secret as it is typed (8-256 code points after NFC)', async () => {
    const page = await openDemo(browser, server.url);
    assert.equal(await page.isVisible('#secret-field'), false);
    // Relayed rooms cannot be encrypted: the toggle is off and disabled there.
    await page.check('input[name="mediaMode"][value="relayed"]', { force: true });
    assert.equal(await page.isDisabled('#e2ee-toggle'), true);
    assert.match(await page.textContent('#e2ee-toggle-hint'), /routed/i);
    await page.check('input[name="mediaMode"][value="routed"]', { force: true });
    await page.check('#e2ee-toggle', { force: true });
    assert.equal(await page.isVisible('#secret-field'), true);

    await page.fill('#secret-input', 'short');
    assert.match(await page.textContent('#secret-message'), /Too short: 5 of at least 8 characters/);
    assert.equal(await page.getAttribute('#secret-input', 'aria-invalid'), '');
    // "caféole" with the é typed as e + combining acute: 8 code points as typed, 7 after NFC.
    await page.fill('#secret-input', 'cafe\u0301ole');
    assert.match(await page.textContent('#secret-message'), /Too short: 7 of/);
    await page.fill('#secret-input', 'x'.repeat(257));
    assert.match(await page.textContent('#secret-message'), /Too long: 257 characters, at most 256/);
    await page.fill('#secret-input', 'x'.repeat(256));
    assert.equal(await page.textContent('#secret-message'), 'Looks good.');
    assert.equal(await page.getAttribute('#secret-input', 'aria-invalid'), null);

    // Submitting an invalid secret stays on the form, with the message.
    await page.fill('#room-input', 'never-created');
    await page.fill('#name-input', 'Tester');
    await page.fill('#secret-input', 'seven77');
    await page.click('#join-button');
    assert.match(await page.textContent('#secret-message'), /Too short/);
    assert.equal(await page.isVisible('#join-view'), true);

    // Asking for encryption in a room that already exists unencrypted is refused, not joined in the clear.
    const res = await fetch(`${server.url}/demo/rooms/plain-room/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Someone', mediaMode: 'routed' }),
    });
    assert.equal((await res.json()).e2ee, false);
    await page.fill('#room-input', 'plain-room');
    await page.fill('#secret-input', SECRET);
    await page.click('#join-button');
    await page.waitForSelector('#join-error:not([hidden])');
    assert.match(await page.textContent('#join-error'), /already exists without end-to-end encryption/);
    assert.equal(await page.isVisible('#call-view'), false);
    await page.close();
  });

  test('two people with the same secret: locked tiles, equal codes; a room created encrypted asks later joiners for the secret', async () => {
    ada = await openDemo(browser, server.url);
    await joinEncrypted(ada, 'Ada', SECRET);
    assert.equal(await ada.isVisible('#e2ee-call-slot'), true);
    assert.match(await code(ada), CODE);

    // Grace does not know the room is encrypted: the demo asks for the secret instead of joining.
    grace = await openDemo(browser, server.url);
    await grace.fill('#room-input', ROOM);
    await grace.fill('#name-input', 'Grace');
    await grace.click('#join-button');
    await grace.waitForSelector('#join-error:not([hidden])');
    assert.match(await grace.textContent('#join-error'), /end-to-end encrypted\. Enter its secret/);
    assert.equal(await grace.isVisible('#secret-field'), true);
    assert.equal(await grace.isChecked('#e2ee-toggle'), true);
    assert.equal(await grace.isVisible('#call-view'), false);
    await grace.fill('#secret-input', SECRET);
    await grace.click('#join-button');
    await inCall(grace, 'Grace');

    await waitForPlaying(ada, ['Grace']);
    await waitForPlaying(grace, ['Ada']);
    await waitForLocks(ada, { Grace: 'encrypted' }, 'Ada sees Grace');
    await waitForLocks(grace, { Ada: 'encrypted' }, 'Grace sees Ada');
    assert.equal(await ada.getAttribute('.tile.self', 'data-e2ee'), 'encrypted');
    assert.equal(await code(ada), await code(grace));
    assert.equal(await banner(ada), null);
  });

  test('a third person with another secret cannot decrypt, and everyone is told (as far as they receive)', async () => {
    eve = await openDemo(browser, server.url);
    await joinEncrypted(eve, 'Eve', WRONG);
    assert.match(await code(eve), CODE);
    assert.notEqual(await code(eve), await code(ada));

    await waitForLocks(eve, { Ada: 'cannot-decrypt', Grace: 'cannot-decrypt' }, 'Eve sees the others');
    const eveBanner = await banner(eve);
    assert.match(eveBanner, /Cannot decrypt media from (Ada and Grace|Grace and Ada)/);
    // What Ada and Grace receive from Eve does not open with their secret either.
    await waitForLocks(ada, { Grace: 'encrypted', Eve: 'cannot-decrypt' }, 'Ada sees Eve');
    await waitForLocks(grace, { Ada: 'encrypted', Eve: 'cannot-decrypt' }, 'Grace sees Eve');
    assert.match(await banner(ada), /Cannot decrypt media from Eve\b/);
    assert.doesNotMatch(await banner(ada), /Grace/);
    // Eve's decoder got nothing: her remote videos never show a frame.
    const eveVideos = await eve.$$eval('.tile:not(.self) video', (vs) => vs.map((v) => v.videoWidth));
    assert.deepEqual(eveVideos, [0, 0]);

    await ada.screenshot({ path: screenshotPath('demo-e2ee.png') });
  });

  test('"Change secret" validates, and the right secret turns the locks to encrypted on both sides', async () => {
    await eve.click('#change-secret-button');
    assert.equal(await eve.isVisible('#secret-popover'), true);
    await eve.fill('#new-secret-input', 'tiny');
    assert.match(await eve.textContent('#new-secret-message'), /Too short: 4 of at least 8/);
    await eve.click('#new-secret-apply');
    assert.equal(await eve.isVisible('#secret-popover'), true);
    assert.notEqual(await code(eve), await code(ada));

    await eve.fill('#new-secret-input', SECRET);
    await eve.click('#new-secret-apply');
    await eve.waitForSelector('#secret-popover', { state: 'hidden' });
    assert.equal(await code(eve), await code(ada));
    await waitForLocks(eve, { Ada: 'encrypted', Grace: 'encrypted' }, 'Eve after the change');
    await waitForPlaying(eve, ['Ada', 'Grace']);
    assert.equal(await banner(eve), null);
    // Eve's own tracks switch after the rotation delay (DESIGN.md 4.11); then Ada and Grace open them.
    await waitForLocks(ada, { Grace: 'encrypted', Eve: 'encrypted' }, 'Ada after Eve changed');
    await waitForLocks(grace, { Ada: 'encrypted', Eve: 'encrypted' }, 'Grace after Eve changed');
    await waitForPlaying(ada, ['Grace', 'Eve']);
    assert.equal(await banner(ada), null);
  });
});
