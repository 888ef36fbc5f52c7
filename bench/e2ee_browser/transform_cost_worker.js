// The per-frame cost of the umbra-e2ee-v1 transform, measured in a Chromium worker off the media
// path: the same KeyRing.seal / KeyRing.open calls dist/umbra-e2ee-worker.js makes for every frame,
// on synthetic frames of 720p VP8 and Opus sizes. Loaded by bench/e2ee_browser_bench.mjs as a module
// worker from a blob: URL so that it inherits the page's cross-origin isolation (performance.now()
// then ticks in 5 us steps instead of 100 us); it imports the built core from the page's origin.
//
// In:  { distUrl, cases: [{ name, codec, kind, bytes, singles, batches }] }
// Out: { ok: true, timer, results: [...] } or { ok: false, error }

const kBatchTargetMs = 2; // a batch lasts at least this long, so one clock step is <= 0.25% of it
const kMaxBatch = 512;
const kFramePool = 8; // distinct frames per case, cycled, so no single buffer stays hot by accident

// The clock as this worker sees it: the smallest step performance.now() takes, over 50 ms.
function timerResolutionMicros() {
  let smallest = Infinity;
  let prev = performance.now();
  const end = prev + 50;
  while (prev < end) {
    const t = performance.now();
    if (t !== prev) {
      smallest = Math.min(smallest, t - prev);
      prev = t;
    }
  }
  return Math.round(smallest * 1000 * 100) / 100;
}

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

// A frame the transform treats as the real thing: a VP8 key frame has bit 0 of byte 0 clear, the start
// code 9d 01 2a and 1280x720 (RFC 6386 section 9.1), so its 10-byte clear prefix is computed as for a
// camera frame; a delta frame has bit 0 set (3-byte prefix); Opus has none.
function syntheticFrame(kind, bytes) {
  const f = randomBytes(bytes);
  if (kind === 'key') {
    f[0] = (f[0] & 0xfe) | 0x10; // key frame, show_frame set
    f.set([0x9d, 0x01, 0x2a, 1280 & 0xff, 1280 >> 8, 720 & 0xff, 720 >> 8], 3);
  } else if (kind === 'delta') {
    f[0] |= 0x01;
  }
  return f;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(samplesMs) {
  const us = Float64Array.from(samplesMs, (ms) => ms * 1000).sort();
  const mean = us.reduce((a, b) => a + b, 0) / us.length;
  const round = (x) => Math.round(x * 10) / 10;
  return { samples: us.length, min: round(us[0]), p50: round(quantile(us, 0.5)), p99: round(quantile(us, 0.99)), mean: round(mean), max: round(us[us.length - 1]) };
}

async function measureCase(core, c) {
  const secret = await core.deriveSessionSecret('benchmark secret words', 'e2ee-browser-bench');
  const sender = new core.KeyRing({ switchDelayMs: 0 });
  const receiver = new core.KeyRing({ switchDelayMs: 0 });
  sender.setSecret(secret);
  receiver.setSecret(secret);
  const frames = Array.from({ length: kFramePool }, () => syntheticFrame(c.kind, c.bytes));
  let next = 0;
  const frame = () => frames[next++ % kFramePool];

  // The baseline: one bare WebCrypto AES-128-GCM encrypt / decrypt of the same number of bytes, key
  // imported once -- the floor any WebCrypto transform pays per frame (a call into the crypto thread).
  const rawKey = await crypto.subtle.importKey('raw', randomBytes(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = randomBytes(12);
  const aad = randomBytes(c.kind === 'key' ? 27 : c.kind === 'delta' ? 20 : 17); // header || prefix
  const gcm = { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 };

  const seal = async () => {
    const r = await sender.seal('bench-track', c.codec, frame());
    if (!r.ok) throw new Error(`seal failed: ${r.error}`);
    return r.value;
  };
  const open = async (wire) => {
    const r = await receiver.open(c.codec, wire);
    if (!r.ok) throw new Error(`open failed: ${r.error}`);
  };

  // Warm-up: derives the KID's keys, lets V8 optimise, fills the pools.
  for (let i = 0; i < 300; i++) await open(await seal());
  const sealedRaw = new Uint8Array(await crypto.subtle.encrypt(gcm, rawKey, frame()));
  for (let i = 0; i < 300; i++) await crypto.subtle.decrypt(gcm, rawKey, sealedRaw);

  // One frame per sample: the distribution (p99 includes GC and scheduling), at the clock's resolution.
  const single = { seal: [], open: [], rawEncrypt: [], rawDecrypt: [] };
  for (let i = 0; i < c.singles; i++) {
    const t0 = performance.now();
    const wire = await seal();
    const t1 = performance.now();
    await open(wire);
    const t2 = performance.now();
    await crypto.subtle.encrypt(gcm, rawKey, frame());
    const t3 = performance.now();
    await crypto.subtle.decrypt(gcm, rawKey, sealedRaw);
    const t4 = performance.now();
    single.seal.push(t1 - t0);
    single.open.push(t2 - t1);
    single.rawEncrypt.push(t3 - t2);
    single.rawDecrypt.push(t4 - t3);
  }

  // Batches of n consecutive frames timed together, each frame awaited before the next as the
  // transform stream does: per-frame cost = batch time / n, well above the clock's resolution.
  const sealMedianMs = quantile(Float64Array.from(single.seal).sort(), 0.5);
  const n = Math.max(1, Math.min(kMaxBatch, Math.ceil(kBatchTargetMs / Math.max(sealMedianMs, 0.001))));
  const batched = { seal: [], open: [], rawEncrypt: [], rawDecrypt: [] };
  const wires = new Array(n);
  for (let b = 0; b < c.batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) wires[i] = await seal();
    const t1 = performance.now();
    for (let i = 0; i < n; i++) await open(wires[i]);
    const t2 = performance.now();
    for (let i = 0; i < n; i++) await crypto.subtle.encrypt(gcm, rawKey, frame());
    const t3 = performance.now();
    for (let i = 0; i < n; i++) await crypto.subtle.decrypt(gcm, rawKey, sealedRaw);
    const t4 = performance.now();
    batched.seal.push((t1 - t0) / n);
    batched.open.push((t2 - t1) / n);
    batched.rawEncrypt.push((t3 - t2) / n);
    batched.rawDecrypt.push((t4 - t3) / n);
  }

  const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
  return { ...c, batchFrames: n, single: mapValues(single, summary), batched: mapValues(batched, summary) };
}

self.onmessage = async (event) => {
  try {
    const core = await import(event.data.distUrl);
    const results = [];
    for (const c of event.data.cases) results.push(await measureCase(core, c));
    self.postMessage({
      ok: true,
      timer: { crossOriginIsolated: self.crossOriginIsolated, resolutionMicros: timerResolutionMicros() },
      results,
    });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e?.stack ?? e) });
  }
};
