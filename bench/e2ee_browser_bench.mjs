// umbra-e2ee-v1 in Chromium: what the transform costs per frame, and what it costs a two-party call.
//
//   node bench/e2ee_browser_bench.mjs [--build] [--seconds 20] [--rounds 2] [--json FILE]
//                                     [--skip-frames] [--skip-call]
//
// 1. Per-frame cost: bench/e2ee_browser/transform_cost_worker.js runs KeyRing.seal / KeyRing.open (the
//    calls dist/umbra-e2ee-worker.js makes per frame) on synthetic 720p VP8 key and delta frames and
//    Opus frames in a worker of a cross-origin-isolated page (performance.now() steps of 5 us rather
//    than 100 us), one frame per sample and in batches, next to bare WebCrypto AES-GCM as a baseline.
// 2. Call CPU: bench/e2ee_browser/call.js runs a two-party loopback call (each side sends a 1280x720
//    30 fps fake camera as VP8 and its fake microphone as Opus) for --seconds without E2EE and with it,
//    in the same page, and reads the CPU time (utime + stime, /proc/<pid>/stat) of every Chromium
//    process over that interval. Each round runs both calls; even rounds run E2EE first, so drift in the
//    machine's load does not always favour the same side.
//
// Needs web/dist (built by --build, or `cd web && npm run build`), Debian's /usr/bin/chromium (or
// UMBRA_CHROMIUM) and web/node_modules (playwright-core). Never part of `make check`: `make bench`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../web/test/browser/e2ee_harness.mjs';
import { chromium } from '../web/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'bench', 'e2ee_browser');

function parseArgs(argv) {
  const opts = { build: false, seconds: 20, rounds: 2, json: null, frames: true, call: true, warmupSeconds: 4 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--build') opts.build = true;
    else if (a === '--seconds') opts.seconds = Number(argv[++i]);
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--skip-frames') opts.frames = false;
    else if (a === '--skip-call') opts.call = false;
    else throw new Error(`unknown argument ${a} (see the comment at the top of ${fileURLToPath(import.meta.url)})`);
  }
  if (!(opts.seconds > 0) || !(opts.rounds >= 1)) throw new Error('--seconds and --rounds must be positive');
  return opts;
}

// The frames measured: sizes of a 1280x720 VP8 stream at about 1.5 Mbit/s and 30 fps (a key frame is
// 30-60 KB, a delta frame 3-10 KB, 6.25 KB on average) and of 20 ms Opus frames (80-160 B).
const kFrameCases = [
  { name: 'VP8 720p key frame', codec: 'vp8', kind: 'key', bytes: 45_000, singles: 1500, batches: 300 },
  { name: 'VP8 720p delta frame', codec: 'vp8', kind: 'delta', bytes: 6_250, singles: 3000, batches: 400 },
  { name: 'Opus frame', codec: 'opus', kind: 'opus', bytes: 120, singles: 3000, batches: 400 },
];

// The harness's flags, with the fake camera at 30 fps (its default is 20, and getUserMedia cannot ask
// it for more).
function launchChromium() {
  return chromium.launch({
    executablePath: process.env.UMBRA_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--use-fake-device-for-media-stream=fps=30',
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// --- CPU time of the browser's processes -------------------------------------------------------------

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)", which may itself contain spaces: state ppid ... utime(14) stime(15).
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // exited meanwhile
  }
}

function processType(pid) {
  try {
    // Chromium rewrites its children's argv (setproctitle), so their arguments are space-separated.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='))?.slice(7);
    if (type === undefined) return 'browser';
    const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
    return sub ? `${type}:${sub.split('.').slice(-1)[0]}` : type;
  } catch {
    return 'gone';
  }
}

// Every process under this Node process (playwright starts Chromium as its child; renderers, the
// GPU and utility processes hang below it), with its CPU ticks so far.
function browserProcesses() {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s !== null) all.set(Number(name), s);
  }
  const children = new Map();
  for (const [pid, s] of all) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(pid);
  }
  const out = new Map();
  const queue = [...(children.get(process.pid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift();
    out.set(pid, { ticks: all.get(pid).ticks, type: processType(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

// All-CPU busy and total jiffies from /proc/stat: how loaded the machine was meanwhile.
function machineJiffies() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function cpuDelta(before, after) {
  const byType = {};
  let ticks = 0;
  for (const [pid, p] of after) {
    const d = p.ticks - (before.get(pid)?.ticks ?? 0);
    ticks += d;
    byType[p.type] = (byType[p.type] ?? 0) + d / clockTicks;
  }
  return { seconds: ticks / clockTicks, byType };
}

// --- the two measurements ------------------------------------------------------------------------------

async function measureFrames(page) {
  const source = readFileSync(join(here, 'transform_cost_worker.js'), 'utf8');
  const result = await page.evaluate(
    async ({ source, cases }) => {
      // A blob: worker inherits the page's cross-origin isolation (and so the 5 us clock).
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module', name: 'transform-cost' });
      const reply = new Promise((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => resolve({ ok: false, error: e.message });
      });
      worker.postMessage({ distUrl: new URL('/dist/umbra-e2ee.js', location.href).href, cases });
      const r = await reply;
      worker.terminate();
      return r;
    },
    { source, cases: kFrameCases },
  );
  if (!result.ok) throw new Error(`transform cost worker: ${result.error}`);
  return result;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function videoAudioDelta(s0, s1) {
  const d = (side, kind, key) => (s1[side][kind][key] ?? 0) - (s0[side][kind][key] ?? 0);
  const out = {};
  for (const side of ['a', 'b']) {
    out[side] = {
      framesEncoded: d(side, 'video', 'framesEncoded'),
      framesDecoded: d(side, 'video', 'framesDecoded'),
      framesDropped: d(side, 'video', 'framesDropped'),
      encodeSize: `${s1[side].video.encodeWidth}x${s1[side].video.encodeHeight}`,
      decodeSize: `${s1[side].video.decodeWidth}x${s1[side].video.decodeHeight}`,
      videoMbps: (d(side, 'video', 'bytesSent') * 8) / 1e6,
      encodeSeconds: d(side, 'video', 'totalEncodeTime'),
      decodeSeconds: d(side, 'video', 'totalDecodeTime'),
      qualityLimitationReason: s1[side].video.qualityLimitationReason,
      audioPacketsSent: d(side, 'audio', 'packetsSent'),
      audioPacketsReceived: d(side, 'audio', 'packetsReceived'),
    };
  }
  return out;
}

// The E2EE call only counts if every frame really went through the transform: all eight transforms
// passed frames on and none was dropped for a wrong key or for not being umbra-e2ee-v1 at all.
function checkEncrypted(transforms) {
  for (const side of ['a', 'b']) {
    for (const t of transforms[side]) {
      const refused = Object.keys(t.dropped).filter((reason) => !['emptyFrame', 'replay'].includes(reason));
      if (t.frames === 0 || refused.length > 0) throw new Error(`E2EE call not encrypted end to end: ${side} ${JSON.stringify(t)}`);
    }
  }
}

async function measureCall(page, e2ee, opts) {
  const setup = await page.evaluate(
    (o) => window.e2eeCallBench.start(o),
    { e2ee, width: 1280, height: 720, fps: 30, maxBitrate: 1_500_000, degradationPreference: 'maintain-resolution' },
  );
  try {
    // Both sides decoding, then a warm-up for the bandwidth estimate to ramp up to the cap.
    for (let waited = 0; (await page.evaluate(() => window.e2eeCallBench.decodedBoth())) <= 30; waited += 200) {
      if (waited > 30_000) throw new Error(`the ${e2ee ? 'E2EE' : 'plain'} call decoded no video within 30 s`);
      await sleep(200);
    }
    await sleep(opts.warmupSeconds * 1000);
    const s0 = await page.evaluate(() => window.e2eeCallBench.stats());
    const m0 = machineJiffies();
    const p0 = browserProcesses();
    const t0 = performance.now();
    await sleep(opts.seconds * 1000);
    const p1 = browserProcesses();
    const t1 = performance.now();
    const m1 = machineJiffies();
    const s1 = await page.evaluate(() => window.e2eeCallBench.stats());
    if (e2ee) checkEncrypted(s1.transforms);
    const wall = (t1 - t0) / 1000;
    const cpu = cpuDelta(p0, p1);
    const media = videoAudioDelta(s0, s1);
    const videoFrames = media.a.framesEncoded + media.b.framesEncoded + media.a.framesDecoded + media.b.framesDecoded;
    return {
      e2ee,
      setup,
      wallSeconds: wall,
      cpuSeconds: cpu.seconds,
      cpuPerSecond: cpu.seconds / wall,
      cpuByType: cpu.byType,
      cpuMillisPerVideoFrame: (cpu.seconds * 1000) / Math.max(1, videoFrames),
      machineBusyCores: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * cpus().length,
      loadavg: loadavg()[0],
      media,
      transforms: s1.transforms,
    };
  } finally {
    await page.evaluate(() => window.e2eeCallBench.stop());
    await sleep(2000); // let the closed call's threads wind down before the next one starts
  }
}

// --- report -----------------------------------------------------------------------------------------

function machine() {
  const model = cpus()[0]?.model ?? 'unknown';
  const chromiumVersion = (() => {
    try {
      return execFileSync(process.env.UMBRA_CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return { cpu: model, cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: chromiumVersion };
}

function printFrames(frames) {
  console.log(`\nper-frame cost, microseconds (worker clock: ${frames.timer.resolutionMicros} us steps, crossOriginIsolated=${frames.timer.crossOriginIsolated})`);
  console.log('case                    | op   | single p50 / p99 / mean | batched (n) min / p50 / p99 | WebCrypto AES-GCM alone single p50 / p99, batched min / p50');
  for (const r of frames.results) {
    for (const [op, raw] of [['seal', 'rawEncrypt'], ['open', 'rawDecrypt']]) {
      const s = r.single[op];
      const b = r.batched[op];
      console.log(
        `${r.name.padEnd(23)} | ${op} | ${s.p50} / ${s.p99} / ${s.mean} | (${r.batchFrames}) ${b.min} / ${b.p50} / ${b.p99} | ` +
          `${r.single[raw].p50} / ${r.single[raw].p99}, ${r.batched[raw].min} / ${r.batched[raw].p50}`,
      );
    }
  }
}

function printCall(c) {
  const m = c.media;
  const cost = (side) =>
    (c.transforms?.[side] ?? [])
      .map((t) => `${t.operation} ${t.codec} ${t.frames} frames, p50 ${t.costMicros?.p50} p99 ${t.costMicros?.p99} us`)
      .join('; ');
  console.log(
    `${c.e2ee ? 'E2EE ' : 'plain'}: ${c.cpuPerSecond.toFixed(3)} CPU s/s over ${c.wallSeconds.toFixed(1)} s ` +
      `(${c.cpuMillisPerVideoFrame.toFixed(2)} ms per video frame encoded+decoded; machine busy ${c.machineBusyCores.toFixed(2)} cores, load ${c.loadavg.toFixed(1)})`,
  );
  for (const side of ['a', 'b']) {
    const s = m[side];
    console.log(
      `  ${side}: encoded ${s.framesEncoded} @${s.encodeSize} (${s.qualityLimitationReason}), decoded ${s.framesDecoded} @${s.decodeSize}, ` +
        `${s.videoMbps / c.wallSeconds > 0 ? (s.videoMbps / c.wallSeconds).toFixed(2) : 0} Mbit/s, audio sent ${s.audioPacketsSent} recv ${s.audioPacketsReceived}`,
    );
    if (c.transforms) console.log(`     worker: ${cost(side)}`);
  }
  console.log(`  by process: ${Object.entries(c.cpuByType).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.build) execFileSync('npm', ['run', 'build'], { cwd: join(root, 'web'), stdio: 'inherit' });
  for (const f of ['umbra-e2ee.js', 'umbra-sdk.js', 'umbra-e2ee-worker.js']) {
    if (!existsSync(join(root, 'web', 'dist', f))) throw new Error(`web/dist/${f} is missing: run with --build (or cd web && npm run build)`);
  }
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    // The benchmark page is cross-origin isolated, for the finer worker clock.
    await page.route(server.url, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
        body: '<!doctype html><meta charset="utf-8"><title>umbra e2ee browser bench</title><body></body>',
      }),
    );
    // Its workers' scripts must then say COEP too, or Chromium refuses to load them.
    await page.route('**/dist/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'cross-origin-embedder-policy': 'require-corp' } });
    });
    await page.goto(server.url);
    await page.addScriptTag({ content: readFileSync(join(here, 'call.js'), 'utf8') });

    const report = { date: new Date().toISOString(), machine: machine(), options: opts, frames: null, rounds: [] };
    console.log(`e2ee browser bench: ${report.machine.chromium}, ${report.machine.cores} x ${report.machine.cpu}, load ${loadavg()[0].toFixed(1)}`);
    if (opts.frames) {
      report.frames = await measureFrames(page);
      printFrames(report.frames);
    }
    if (opts.call) {
      console.log(`\ntwo-party call, 1280x720 30 fps VP8 (max 1.5 Mbit/s) + Opus each way, ${opts.seconds} s per call after ${opts.warmupSeconds} s warm-up`);
      for (let r = 0; r < opts.rounds; r++) {
        const order = r % 2 === 0 ? [false, true] : [true, false];
        const calls = {};
        console.log(`round ${r + 1}:`);
        for (const e2ee of order) {
          const c = await measureCall(page, e2ee, opts);
          calls[e2ee ? 'e2ee' : 'plain'] = c;
          printCall(c);
        }
        const ratio = calls.e2ee.cpuPerSecond / calls.plain.cpuPerSecond;
        const perFrameRatio = calls.e2ee.cpuMillisPerVideoFrame / calls.plain.cpuMillisPerVideoFrame;
        console.log(`  ratio E2EE / plain: ${ratio.toFixed(3)} CPU s/s, ${perFrameRatio.toFixed(3)} per video frame`);
        report.rounds.push({ order: order.map((e) => (e ? 'e2ee' : 'plain')), ...calls, ratio, perFrameRatio });
      }
    }
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(report, null, 2));
      console.log(`\ne2ee browser bench: JSON in ${opts.json}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
