// What the router sees (issue 5, docs/security.md "How to check what the router sees"): the real server
// runs with `--rtp-dump DIR`, two Chromium pages hold a routed call, and `umbra dump frames` reassembles the
// frames from the router's capture.
// - E2EE call: every complete video and audio frame opens with the C++ umbra-e2ee-v1 under the session's
//   secret, none under another secret, and no frame is plain VP8;
// - the same call without E2EE: the same reassembly gives plain VP8 (key frames included), no SFrame.
// UMBRA_KEEP_RTP_DUMP=1 keeps the captures (for Wireshark or `umbra dump frames`) and prints where.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openSdkPage, waitForDecodedFrames, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, findUmbraBinary, skipReason } from '../helpers/umbra_server.mjs';

const SECRET = 'correct horse battery staple';
const WRONG = 'a different secret';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dumpSkipReason() {
  const skip = skipReason();
  if (skip) return skip;
  const bin = findUmbraBinary();
  const serve = spawnSync(bin, ['serve', '--help'], { encoding: 'utf8', timeout: 10_000 });
  if (!serve.stdout.includes('--rtp-dump')) return `${bin} serve has no --rtp-dump`;
  const dump = spawnSync(bin, ['dump', '--help'], { encoding: 'utf8', timeout: 10_000 });
  if (dump.status !== 0) return `${bin} has no \`dump\` command`;
  return null;
}

// `umbra dump frames --json` over every capture in files; the streams of all of them.
function dumpStreams(dir, files, extra = []) {
  const streams = [];
  for (const file of files) {
    // A transport still open when the call ends may be cut inside a record (the router flushes once a
    // second); the whole records before the cut are what counts.
    const args = ['dump', 'frames', '--pcap', join(dir, file), '--json', '--allow-truncated', ...extra];
    const run = spawnSync(findUmbraBinary(), args, { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `umbra ${args.join(' ')}: ${run.stderr}`);
    streams.push(...JSON.parse(run.stdout).streams);
  }
  return streams;
}

function totals(streams, kind) {
  const sum = (field) => streams.filter((s) => s.kind === kind).reduce((n, s) => n + (s[field] ?? 0), 0);
  return {
    streams: streams.filter((s) => s.kind === kind).length,
    frames: sum('frames'),
    keyFrames: sum('key_frames'),
    plain: sum('plain_vp8'),
    plainKey: sum('plain_key_frames'),
    sframe: sum('sframe'),
    opened: sum('opened'),
    failed: sum('failed'),
  };
}

const skip = dumpSkipReason();

describe('what the router sees, from its --rtp-dump capture', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let dumpDir;
  let e2eeSession;
  let e2eeFiles = [];
  let plainFiles = [];

  const join2 = async (page, sessionId, secret, name) =>
    page.evaluate(
      async ([s, t, secret]) => {
        T.autoSubscribe = true;
        T.init(s, secret === null ? {} : { encryptionSecret: secret });
        await T.session.connect(t);
      },
      [sessionId, await server.createToken(sessionId, 'publisher', name), secret],
    );

  // Two pages publish and decode each other for a few seconds, then leave; returns the captures the call
  // added to the dump directory.
  const call = async (t, sessionId, secret) => {
    const before = new Set(readdirSync(dumpDir));
    const a = await openSdkPage(browser, server.url);
    const b = await openSdkPage(browser, server.url);
    await join2(a, sessionId, secret, 'a');
    await join2(b, sessionId, secret, 'b');
    const published = await a.evaluate(() => T.attempt(() => T.publish({ name: 'a' })));
    if (!published.ok && published.name === 'RouterUnavailableError') return null;
    assert.equal(published.ok, true, `${published.name}: ${published.message}`);
    const streamA = published.value;
    const streamB = await b.evaluate(() => T.publish({ name: 'b' }));
    for (const [page, id] of [
      [b, streamA],
      [a, streamB],
    ]) {
      await waitInPage(page, (s) => T.subscribers.has(s), id, { what: 'subscribed' });
      await waitForDecodedFrames(page, id, 60);
    }
    await a.close();
    await b.close();
    await sleep(1500); // the router flushes its dumps once a second
    const files = readdirSync(dumpDir).filter((f) => !before.has(f));
    t.diagnostic(`${files.length} captures: ${files.join(' ')}`);
    return files;
  };

  before(async () => {
    dumpDir = mkdtempSync(join(tmpdir(), 'umbra-rtp-dump-'));
    server = await UmbraServer.start({ extraArgs: ['--rtp-dump', dumpDir] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (!dumpDir) return;
    if (process.env.UMBRA_KEEP_RTP_DUMP) {
      const e2ee = `E2EE session ${e2eeSession}: ${e2eeFiles.join(' ')}`;
      console.log(`rtp dump kept in ${dumpDir}; ${e2ee}; without E2EE: ${plainFiles.join(' ')}`);
    } else {
      rmSync(dumpDir, { recursive: true, force: true });
    }
  });

  test('E2EE call: every frame the router saw opens under the session secret, none under another', async (t) => {
    const session = await server.createSession('routed', { e2ee: true });
    e2eeSession = session.sessionId;
    const files = await call(t, e2eeSession, SECRET);
    if (files === null) return t.skip('the server has no media router');
    e2eeFiles = files;

    const right = dumpStreams(dumpDir, e2eeFiles, ['--secret', SECRET, '--session', e2eeSession]);
    const video = totals(right, 'video');
    const audio = totals(right, 'audio');
    t.diagnostic(`video ${JSON.stringify(video)} audio ${JSON.stringify(audio)}`);
    assert.ok(video.frames >= 60, `${video.frames} complete video frames in the capture`);
    assert.ok(video.keyFrames >= 1, 'a key frame (its type is visible to the router by design)');
    assert.equal(video.opened, video.frames, 'every complete video frame opens under the secret');
    assert.equal(video.failed, 0);
    assert.ok(audio.frames >= 50, `${audio.frames} audio frames in the capture`);
    assert.equal(audio.opened, audio.frames, 'every audio frame opens under the secret');
    assert.equal(video.plain, 0, 'no frame is plain VP8');
    assert.equal(video.sframe, video.frames, 'every video frame is an umbra-e2ee-v1 frame');

    const wrong = dumpStreams(dumpDir, e2eeFiles, ['--secret', WRONG, '--session', e2eeSession]);
    assert.equal(totals(wrong, 'video').opened, 0, 'no video frame opens under another secret');
    assert.equal(totals(wrong, 'audio').opened, 0, 'no audio frame opens under another secret');
    const otherSession = dumpStreams(dumpDir, e2eeFiles, ['--secret', SECRET, '--session', 'another-session']);
    assert.equal(totals(otherSession, 'video').opened, 0, 'the session id salts the key');
  });

  test('the same call without E2EE: the router sees plain VP8', async (t) => {
    const session = await server.createSession('routed');
    const files = await call(t, session.sessionId, null);
    if (files === null) return t.skip('the server has no media router');
    plainFiles = files;

    const video = totals(dumpStreams(dumpDir, plainFiles), 'video');
    t.diagnostic(`video ${JSON.stringify(video)}`);
    assert.ok(video.frames >= 60, `${video.frames} complete video frames in the capture`);
    assert.equal(video.plain, video.frames, 'every video frame is plain VP8');
    assert.ok(video.plainKey >= 1, 'plain VP8 key frames (start code 9d 01 2a)');
    assert.equal(video.sframe, 0);
  });
});
