// archiveMode "always" (issue 6): a routed session created with it records by itself. The first
// published stream starts an archive (the page hears archiveStarted without anyone calling the REST
// API), the archive is listed for the session, and when the last stream leaves it stops with reason
// last_stream_left and leaves files that ffprobe reads and ffmpeg decodes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decode, downloadStreams, probe, requireTools, waitForArchive, waitForPacketsSent } from '../helpers/archive_files.mjs';
import { launchBrowser, openSdkPage, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('archiveMode "always"', { skip: skip ?? false }, () => {
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

  test('the first stream starts an archive and the last one leaving stops it (last_stream_left)', async () => {
    const session = await server.createSession('routed', { archiveMode: 'always' });
    assert.equal(session.archiveMode, 'always');
    const { sessionId } = session;
    const page = await openSdkPage(browser, server.url);
    const token = await server.createToken(sessionId, 'publisher', 'always');
    await page.evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    assert.equal(await page.evaluate(() => T.session.archive), null, 'nobody publishes: nothing is recorded');

    const streamId = await page.evaluate(() => T.publish({ name: 'always on' }));
    await waitInPage(page, () => T.has('archiveStarted'), null, { what: 'archiveStarted after the first publish' });
    const started = await page.evaluate(() => T.events.find((e) => e.name === 'archiveStarted'));
    assert.match(started.archiveId, /^arc_/);
    assert.equal(started.status, 'started');
    assert.equal(await page.evaluate(() => T.session.archive?.id), started.archiveId);

    const listed = await server.api('GET', `/v1/archives?sessionId=${encodeURIComponent(sessionId)}`);
    const items = Array.isArray(listed) ? listed : (listed.items ?? listed.archives ?? []);
    assert.deepEqual(items.map((a) => a.id), [started.archiveId]);
    assert.equal(items[0].status, 'started');

    // A few seconds of media, so both files have frames (the video file starts at a key frame).
    await waitForPacketsSent(page);
    await sleep(3000);
    await page.evaluate(() => T.session.unpublish(T.publishers[0]));

    await waitInPage(
      page,
      (id) => T.has('archiveStopped', (e) => e.archiveId === id),
      started.archiveId,
      { what: 'archiveStopped after the last stream left' },
    );
    const stoppedEvent = await page.evaluate(() => T.events.find((e) => e.name === 'archiveStopped'));
    assert.equal(stoppedEvent.reason, 'last_stream_left');
    // "stopping" while the router finishes the files (docs/protocol.md), or already "stopped".
    assert.ok(['stopping', 'stopped'].includes(stoppedEvent.status), stoppedEvent.status);
    assert.equal(await page.evaluate(() => T.session.archive), null);

    const archive = await waitForArchive(server, started.archiveId, (a) => a.status === 'stopped' || a.status === 'failed');
    assert.equal(archive.status, 'stopped', JSON.stringify(archive));
    assert.equal(archive.reason, 'last_stream_left');
    assert.deepEqual(archive.streams.map((s) => s.kind).sort(), ['audio', 'video'], JSON.stringify(archive.streams));
    for (const { entry, file } of await downloadStreams(server, archive)) {
      assert.equal(entry.streamId, streamId);
      assert.equal(entry.state, 'recorded', `${entry.kind}: ${entry.error}`);
      const info = probe(tools.ffprobe, file);
      assert.equal(info.streams[0].codec_name, entry.kind === 'video' ? 'vp8' : 'opus');
      const decoded = decode(tools.ffmpeg, file);
      assert.equal(decoded.status, 0, `ffmpeg failed on the ${entry.kind} file: ${decoded.stderr}`);
      assert.equal(decoded.stderr, '', `ffmpeg reported errors decoding the ${entry.kind} file`);
    }
    await page.close();
  });
});
