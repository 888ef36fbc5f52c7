// Issue 6, end to end: Chromium publishes its fake camera and microphone into a routed session, the REST
// API records ten seconds of it, and the files it serves are judged by the real ffprobe and ffmpeg: VP8
// video and Opus audio of the right duration that decode without a single error. The page hears
// archiveStarted and archiveStopped (reason "requested") on its signaling link; a late joiner learns of
// the running archive when it connects, and session.archive survives a resume of the signaling link.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  decode,
  downloadStreams,
  durationOf,
  probe,
  requireTools,
  waitForArchive,
  waitForPacketsSent,
} from '../helpers/archive_files.mjs';
import { launchBrowser, openSdkPage, waitInPage } from '../helpers/browser.mjs';
import { UmbraServer, skipReason } from '../helpers/umbra_server.mjs';

const skip = skipReason();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const kArchiveMs = 10_000;
// How far a file's duration may be from the archive's wall-clock length minus the stream's startOffset.
// The two clocks are not the same clock: the file's timestamps are the publisher's RTP clock (capture
// time), the expectation is Node's clock around two REST calls. Between them: the stop request racing
// the packets still in flight and in the recorder's jitter buffer (which holds a gap up to 500 ms for a
// retransmission), the last frame's own duration, and a fake capturer on a loaded two-core CI runner
// that can stall for a few hundred milliseconds. One second covers all of it and still catches an
// archive that lost or invented seconds (a wrong clock rate is off by 10-50%, a broken rebase by the
// whole offset).
const kToleranceS = 1.0;

describe('archiving a routed session', { skip: skip ?? false }, () => {
  let server;
  let browser;
  let tools;
  let recorded; // the first test's finished archive record

  // Signed download URLs live 10 minutes here (the default is an hour): the test reads the lifetime back.
  const kDownloadUrlTtlS = 600;

  before(async () => {
    tools = requireTools();
    server = await UmbraServer.start({ extraArgs: ['--download-url-ttl', String(kDownloadUrlTtlS)] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a ten-second archive of a camera and microphone is VP8 and Opus of the right length that ffmpeg decodes', async (t) => {
    const { sessionId } = await server.createSession('routed');
    const page = await openSdkPage(browser, server.url);
    const token = await server.createToken(sessionId, 'publisher', 'camera');
    await page.evaluate(([s, t]) => T.join(s, t), [sessionId, token]);
    assert.equal(await page.evaluate(() => T.session.archive), null, 'nothing is recorded yet');
    const streamId = await page.evaluate(() => T.publish({ name: 'camera' }));
    // Media reaches the router before the archive starts, so the files start at the first key frame
    // the recorder asks for and not at the publisher's ICE/DTLS setup.
    await waitForPacketsSent(page);

    const before = Date.now();
    const created = await server.api('POST', '/v1/archives', { sessionId, name: 'ten seconds' });
    const startedAt = (before + Date.now()) / 2;
    assert.match(created.id, /^arc_/);
    assert.equal(created.sessionId, sessionId);
    assert.equal(created.name, 'ten seconds');
    assert.equal(created.status, 'started');
    assert.equal(created.outputMode, 'individual');
    assert.equal(created.reason, null);
    assert.equal(created.hasAudio, true);
    assert.equal(created.hasVideo, true);

    await waitInPage(page, (id) => T.has('archiveStarted', (e) => e.archiveId === id && e.status === 'started'), created.id, {
      what: 'archiveStarted on the publishing page',
    });
    assert.equal(await page.evaluate(() => T.session.archive?.id), created.id, 'session.archive is the running archive');

    // Meanwhile (the archive runs regardless): a late joiner learns of it from `joined` (archiveStarted on
    // connect, session.archive set), and a publisher whose signaling link drops and resumes keeps it.
    const late = await openSdkPage(browser, server.url);
    const lateToken = await server.createToken(sessionId, 'subscriber', 'late');
    await late.evaluate(([s, t]) => T.join(s, t), [sessionId, lateToken]);
    assert.equal(await late.evaluate(() => T.session.archive?.id), created.id, 'a late joiner sees the archive');
    assert.ok(await late.evaluate((id) => T.has('archiveStarted', (e) => e.archiveId === id), created.id));
    await page.evaluate(() => window.__sockets.at(-1).close());
    await waitInPage(page, () => T.has('reconnected'), null, { what: 'the publisher resumes', timeout: 30_000 });
    assert.equal(await page.evaluate(() => T.session.archive?.id), created.id, 'session.archive survives a resume');
    assert.equal(await page.evaluate(() => T.has('archiveStopped')), false, 'no archiveStopped from a resume');

    await sleep(Math.max(0, startedAt + kArchiveMs - Date.now()));
    const stopBefore = Date.now();
    const stopping = await server.api('POST', `/v1/archives/${created.id}/stop`);
    const stoppedAt = (stopBefore + Date.now()) / 2;
    assert.ok(['stopping', 'stopped'].includes(stopping.status), `stop answers ${stopping.status}`);
    const archive = await waitForArchive(server, created.id, (a) => a.status === 'stopped' || a.status === 'failed', {
      what: 'the archive stops',
    });
    assert.equal(archive.status, 'stopped', `the archive failed: ${JSON.stringify(archive)}`);
    assert.equal(archive.reason, 'requested');
    assert.equal(archive.error ?? null, null);
    assert.equal(typeof archive.stoppedAt, 'number');

    await waitInPage(
      page,
      (id) =>
        T.has('archiveStopped', (e) => e.archiveId === id && e.reason === 'requested' && ['stopping', 'stopped'].includes(e.status)),
      created.id,
      { what: 'archiveStopped (requested) on the publishing page' },
    );
    assert.equal(await page.evaluate(() => T.session.archive), null, 'session.archive is cleared');
    await waitInPage(late, (id) => T.has('archiveStopped', (e) => e.archiveId === id), created.id, {
      what: 'archiveStopped on the late joiner',
    });
    await late.close();

    // One file per track of the one stream.
    const kinds = archive.streams.map((s) => s.kind).sort();
    assert.deepEqual(kinds, ['audio', 'video'], JSON.stringify(archive.streams));
    for (const entry of archive.streams) {
      assert.equal(entry.streamId, streamId);
      assert.equal(entry.state, 'recorded', `${entry.kind}: ${entry.error}`);
      assert.match(entry.url, new RegExp(`^/v1/archives/${created.id}/files/`));
      assert.ok(entry.startOffset >= 0 && entry.startOffset < kArchiveMs / 2, `${entry.kind} startOffset ${entry.startOffset} ms`);
    }

    const lengthS = (stoppedAt - startedAt) / 1000;
    for (const { entry, file, bytes } of await downloadStreams(server, archive)) {
      assert.ok(bytes > 1000, `${entry.kind}: ${bytes} bytes`);
      const info = probe(tools.ffprobe, file);
      assert.equal(info.streams.length, 1, `${entry.kind}: one track per file`);
      const [track] = info.streams;
      assert.equal(track.codec_name, entry.kind === 'video' ? 'vp8' : 'opus', `${entry.kind} codec`);
      if (entry.kind === 'video') assert.ok(track.width > 0 && track.height > 0, 'the video has a picture size');
      assert.match(info.format.format_name, /webm|matroska/);

      const duration = durationOf(tools.ffprobe, file, info);
      const expected = lengthS - entry.startOffset / 1000;
      t.diagnostic(
        `${entry.kind}: ${track.codec_name}, file ${duration.toFixed(3)} s, record ${entry.duration} ms, ` +
          `startOffset ${entry.startOffset} ms, expected ${expected.toFixed(3)} s`,
      );
      assert.ok(
        Math.abs(duration - expected) <= kToleranceS,
        `${entry.kind}: ${duration.toFixed(2)} s, expected ${expected.toFixed(2)} s ± ${kToleranceS} s ` +
          `(archive ${lengthS.toFixed(2)} s, startOffset ${entry.startOffset} ms)`,
      );
      // The record's duration (the last frame's timestamp) agrees with the file.
      assert.ok(Math.abs(duration - entry.duration / 1000) <= 0.25, `${entry.kind}: record says ${entry.duration} ms, file ${duration} s`);

      const decoded = decode(tools.ffmpeg, file);
      assert.equal(decoded.status, 0, `ffmpeg failed on the ${entry.kind} file: ${decoded.stderr}`);
      assert.equal(decoded.stderr, '', `ffmpeg reported errors decoding the ${entry.kind} file`);
    }

    recorded = archive;
    // The record is listed for the session.
    const listed = await server.api('GET', `/v1/archives?sessionId=${encodeURIComponent(sessionId)}`);
    const items = Array.isArray(listed) ? listed : (listed.items ?? listed.archives ?? []);
    assert.deepEqual(items.map((a) => a.id), [created.id]);
    await page.close();
  });

  test('a recording plays from its signed downloadUrl in a <video> element, with no credentials', async (t) => {
    if (recorded === undefined) return t.skip('nothing was recorded');
    const video = recorded.streams.find((s) => s.kind === 'video');
    const url = new URL(video.downloadUrl, server.url);
    assert.equal(url.pathname, video.url, 'the signed URL names the same file');
    const expires = Number(url.searchParams.get('expires'));
    const left = expires - Date.now() / 1000;
    assert.ok(left > kDownloadUrlTtlS - 120 && left <= kDownloadUrlTtlS + 5, `expires in ${left.toFixed(0)} s`);

    // A plain fetch without Authorization gets the file; a tampered signature does not.
    const plain = await fetch(url);
    assert.equal(plain.status, 200);
    assert.equal(Number(plain.headers.get('content-length')), (await plain.arrayBuffer()).byteLength);
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(expires + 1));
    const refused = await fetch(tampered);
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.code, 'invalid_signature');

    // What an app does with it: a <video src> the browser loads (ranges and all) and plays.
    const page = await openSdkPage(browser, server.url);
    const played = await page.evaluate(async (src) => {
      const v = document.createElement('video');
      v.muted = true;
      v.src = src;
      document.body.append(v);
      await v.play();
      await new Promise((resolve, reject) => {
        v.onerror = () => reject(new Error(`video error ${v.error?.code}: ${v.error?.message}`));
        const check = () => (v.currentTime > 0.5 ? resolve() : setTimeout(check, 50));
        check();
      });
      return { width: v.videoWidth, height: v.videoHeight, duration: v.duration };
    }, url.href);
    assert.ok(played.width > 0 && played.height > 0, JSON.stringify(played));
    assert.ok(Math.abs(played.duration - video.duration / 1000) <= 0.5, `${JSON.stringify(played)} vs ${video.duration} ms`);
    await page.close();
  });
});
