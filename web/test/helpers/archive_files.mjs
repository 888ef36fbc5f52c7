// Archive tests' tools: wait for an archive record to settle, download its files through the REST API,
// and judge them with the real ffprobe and ffmpeg (scripts/install-deps installs ffmpeg). A missing tool
// is a failure with a clear message, not a skip: these tests are the proof that archives play.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function findTool(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    const r = spawnSync(candidate, ['-version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status === 0) return candidate;
  }
  return null;
}

export function requireTools() {
  const ffprobe = findTool('ffprobe');
  const ffmpeg = findTool('ffmpeg');
  if (ffprobe === null || ffmpeg === null) {
    throw new Error('ffprobe and ffmpeg must be on PATH for the archive tests (scripts/install-deps installs ffmpeg)');
  }
  return { ffprobe, ffmpeg };
}

// `ffprobe -v error -show_streams -show_format -of json FILE`, parsed; throws with ffprobe's words.
export function probe(ffprobe, file) {
  const r = spawnSync(ffprobe, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`ffprobe ${file} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// `ffmpeg -v error -i FILE -enc_time_base:v -1 -f null -`: decodes every frame; { status, stderr }.
// -enc_time_base:v -1 keeps the file's millisecond timestamps on the way to the null muxer. Without it
// ffmpeg re-times video to the frame rate it guesses (e.g. 20 fps), two real frames closer than one
// such tick (21 ms apart from a browser) land on the same tick, and the null muxer prints "non
// monotonically increasing dts" for a file that is fine: the archive_restart flake.
export function decode(ffmpeg, file) {
  const r = spawnSync(ffmpeg, ['-nostdin', '-v', 'error', '-i', file, '-enc_time_base:v', '-1', '-f', 'null', '-'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr ?? '' };
}

// The file's duration in seconds: the container's (written with the trailer), else the last packet's
// end (a file cut short by a crash has no duration in its header: docs/archiving.md).
export function durationOf(ffprobe, file, info = probe(ffprobe, file)) {
  const d = Number(info.format?.duration);
  if (Number.isFinite(d)) return d;
  const r = spawnSync(
    ffprobe,
    ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file],
    { encoding: 'utf8', timeout: 30_000 },
  );
  let end = 0;
  for (const line of r.stdout.split('\n')) {
    const [pts, dur] = line.split(',').map(Number);
    if (Number.isFinite(pts)) end = Math.max(end, pts + (Number.isFinite(dur) ? dur : 0));
  }
  return end;
}

// Polls GET /v1/archives/{id} until `done(archive)`; returns the last record.
export async function waitForArchive(server, id, done, { timeout = 20_000, what = 'archive state' } = {}) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    last = await server.api('GET', `/v1/archives/${encodeURIComponent(id)}`);
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeout} ms; last record: ${JSON.stringify(last)}`);
    await sleep(250);
  }
}

// Downloads every stream's file into a fresh temporary directory: [{ entry, file, bytes }].
export async function downloadStreams(server, archive) {
  const dir = mkdtempSync(join(tmpdir(), 'umbra-archive-'));
  const out = [];
  for (const [i, entry] of archive.streams.entries()) {
    const res = await server.download(entry.url);
    if (res.status !== 200) {
      throw new Error(`GET ${entry.url} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
    }
    const file = join(dir, `${i}-${entry.kind}.webm`);
    writeFileSync(file, res.body);
    out.push({ entry, file, bytes: res.body.length });
  }
  return out;
}

// Waits until the page's first publisher has sent some audio and video (media reaches the router).
export async function waitForPacketsSent(page, { audio = 25, video = 25, timeout = 20_000 } = {}) {
  const deadline = Date.now() + timeout;
  let sent = { audio: 0, video: 0 };
  while (Date.now() < deadline) {
    sent = await page.evaluate(() => T.packetsSent());
    if (sent.audio > audio && sent.video > video) return sent;
    await sleep(200);
  }
  throw new Error(`the publisher sent only ${JSON.stringify(sent)} packets in ${timeout} ms\n${(page.consoleLog ?? []).join('\n')}`);
}
