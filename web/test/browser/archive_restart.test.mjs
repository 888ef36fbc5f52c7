// Issue 6: "a server stopped mid-recording leaves a playable file and a record that says what
// happened; nothing is lost silently." Chromium publishes, an archive runs for about four seconds, the
// server is killed with SIGKILL (no shutdown code runs, no WebM trailer is written) and started again on
// the same data directory. The record then says failed / interrupted, and the restart has repaired the
// video file (docs/archiving.md, "Repair at start-up"): the entry is `recorded` with its real duration,
// the served file has a container duration (so it has its trailer and cues) and decodes with nothing on
// ffmpeg's stderr.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decode, downloadStreams, durationOf, probe, requireTools, waitForPacketsSent } from '../helpers/archive_files.mjs';
import { launchBrowser, openSdkPage, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('a server killed while recording', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let tools;

  before(async () => {
    tools = requireTools();
    server = await UmbraServer.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('leaves an interrupted record and a repaired, whole video file after a restart', async (t) => {
    const { sessionId } = await server.createSession('routed');
    const page = await openSdkPage(browser, server.url);
    const token = await server.createToken(sessionId, 'publisher', 'crash');
    await page.evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    const streamId = await page.evaluate(() => T.publish({ name: 'camera' }));
    await waitForPacketsSent(page);

    const created = await server.api('POST', '/v1/archives', { sessionId, name: 'cut short' });
    await waitInPage(page, (id) => T.has('archiveStarted', (e) => e.archiveId === id), created.id, {
      what: 'archiveStarted',
    });
    await sleep(4000);

    await server.restart({ signal: 'SIGKILL' });
    await page.close();

    const archive = await server.api('GET', `/v1/archives/${created.id}`);
    assert.equal(archive.status, 'failed', JSON.stringify(archive));
    assert.equal(archive.reason, 'interrupted');
    assert.equal(typeof archive.error, 'string');
    assert.ok(archive.error.length > 0, 'the record says what happened');

    const video = archive.streams.filter((s) => s.kind === 'video');
    assert.equal(video.length, 1, `one video entry: ${JSON.stringify(archive.streams)}`);
    assert.equal(video[0].streamId, streamId);
    assert.equal(video[0].state, 'recorded', `the cut video file was repaired: ${JSON.stringify(video[0])}`);
    assert.ok(
      video[0].error?.startsWith('interrupted: cut by a server stop and repaired; '),
      `the entry says it was cut and repaired: ${video[0].error}`,
    );
    assert.ok(video[0].duration > 1000, `the entry has the file's real duration (${video[0].duration} ms)`);
    const [{ file, bytes }] = await downloadStreams(server, { streams: video });
    assert.ok(bytes > 1000, `the video file holds what was recorded (${bytes} bytes)`);
    const info = probe(tools.ffprobe, file);
    assert.equal(info.streams[0].codec_name, 'vp8');
    assert.ok(info.streams[0].width > 0, 'the picture size is in the header');
    const containerDuration = Number(info.format.duration);
    assert.ok(
      Number.isFinite(containerDuration),
      `the repaired file has a container duration: ${info.format.duration}`,
    );
    assert.ok(
      Math.abs(containerDuration * 1000 - video[0].duration) < 250,
      `container ${containerDuration} s matches the entry's ${video[0].duration} ms`,
    );
    t.diagnostic(
      `after SIGKILL: archive error "${archive.error}", video entry ${video[0].state} "${video[0].error}", ` +
        `${bytes} bytes, ${durationOf(tools.ffprobe, file, info).toFixed(2)} s playable, ` +
        `container duration ${info.format.duration}`,
    );
    const decoded = decode(tools.ffmpeg, file);
    assert.equal(decoded.status, 0, `ffmpeg failed on the repaired file: ${decoded.stderr}`);
    assert.equal(decoded.stderr, '', 'ffmpeg reported errors decoding the repaired file');
  });
});
