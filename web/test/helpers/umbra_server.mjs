// Starts the real `umbra serve --dev` on a free loopback port with a fresh data directory, and speaks
// its REST API (project JWTs over devkey/devsecret, DESIGN.md section 5) so tests can create sessions and
// mint client tokens. The binary is UMBRA_BIN, else the first of the usual build outputs that exists.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const API_KEY = 'devkey';
export const API_SECRET = 'devsecret';

export function findUmbraBinary() {
  const candidates = [
    process.env.UMBRA_BIN,
    join(repoRoot, 'build/dev/umbra'),
    join(repoRoot, 'build/dev/src/cli/umbra'),
    join(repoRoot, 'build/release/umbra'),
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

// Why the browser tests cannot run here, or null when they can (a binary with `serve`).
export function skipReason() {
  const bin = findUmbraBinary();
  if (bin === null) return 'no umbra binary (build it with `make build`, or set UMBRA_BIN)';
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 10_000 });
  if (!/^\s+serve\b/m.test(`${help.stdout}${help.stderr}`)) return `${bin} has no \`serve\` command yet`;
  return null;
}

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class UmbraServer {
  constructor({ bin, port, rtcPort, dataDir, extraArgs = [] }) {
    this.bin = bin;
    this.port = port;
    this.rtcPort = rtcPort;
    this.dataDir = dataDir;
    this.extraArgs = extraArgs;
    this.url = `http://127.0.0.1:${port}`;
    this.proc = null;
    this.output = '';
  }

  static async start(options = {}) {
    const bin = findUmbraBinary();
    if (bin === null) throw new Error(skipReason());
    const dataDir = mkdtempSync(join(tmpdir(), 'umbra-web-test-'));
    const server = new UmbraServer({
      bin,
      port: await freeTcpPort(),
      rtcPort: await freeUdpPort(),
      dataDir,
      extraArgs: options.extraArgs ?? [],
    });
    await server.#spawn();
    return server;
  }

  async #spawn() {
    const args = [
      'serve',
      '--dev',
      '--http',
      `127.0.0.1:${this.port}`,
      '--data-dir',
      this.dataDir,
      '--rtc-port',
      String(this.rtcPort),
      '--workers',
      '1',
      '--web-root',
      join(repoRoot, 'web'),
      ...this.extraArgs,
    ];
    this.output = '';
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const collect = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-20000);
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;
    // Ready when HTTP answers anything at all.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const early = await Promise.race([exited, sleep(100).then(() => null)]);
      if (early) throw new Error(`umbra serve exited (${JSON.stringify(early)}) during start:\n${this.output}`);
      try {
        await fetch(`${this.url}/v1/sessions`, { signal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          await this.stop();
          throw new Error(`umbra serve did not answer on ${this.url} within 20 s:\n${this.output}`);
        }
      }
    }
  }

  // Stops the process (SIGTERM, then SIGKILL after 5 s). Keeps the data directory.
  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killed = await Promise.race([this.exited, sleep(5000).then(() => null)]);
    if (!killed) {
      proc.kill('SIGKILL');
      await this.exited;
    }
    this.proc = null;
  }

  // Kills the process at once (SIGKILL by default: a crash, a power cut), without the SIGTERM grace.
  async kill(signal = 'SIGKILL') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    await this.exited;
    this.proc = null;
  }

  // Same port, same data directory: what an operator's restart looks like. With `{ signal: 'SIGKILL' }`
  // the old process is killed instead of stopped (what a crash and a supervisor's restart look like).
  async restart({ signal } = {}) {
    if (signal) await this.kill(signal);
    else await this.stop();
    await this.#spawn();
  }

  async close() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  // --- REST ----------------------------------------------------------------------------------------

  async api(method, path, body) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${projectJwt()}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const err = new Error(`${method} ${path} → ${res.status} ${text}`);
      err.status = res.status;
      err.body = json;
      throw err;
    }
    return json;
  }

  // GET with project authentication, for binary downloads (archive files): { status, type, body: Buffer }.
  async download(path) {
    const res = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${projectJwt()}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  }

  async createSession(mediaMode = 'relayed', extra = {}) {
    return this.api('POST', '/v1/sessions', { mediaMode, ...extra });
  }

  async createToken(sessionId, role = 'publisher', data = '') {
    const res = await this.api('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/tokens`, { role, data });
    return res.token;
  }
}

function b64url(input) {
  return Buffer.from(input).toString('base64url');
}

// A project JWT (HS256 over the API secret): iss = API key, iat, exp 60 s ahead, jti.
export function projectJwt(key = API_KEY, secret = API_SECRET) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iss: key, iat: now, exp: now + 60, jti: randomUUID() }));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}
