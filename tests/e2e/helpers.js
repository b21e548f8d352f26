// Shared plumbing for the end-to-end suite: start `sluice fake-upstream` and `sluice serve` as
// child processes on port 0, write their configs, talk to the fake's introspection endpoints, and
// stop everything cleanly. Every wait here has a deadline: no test may hang.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../..');
export const SLUICE_BIN = process.env.SLUICE_BIN
  ? resolve(process.env.SLUICE_BIN)
  : join(REPO_ROOT, 'build/dev/sluice');

// Under ASan on 2 cores start-up and requests are several times slower than a release build.
export const START_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/// Per-test timeout for node:test; generous for ASan, still far below the suite budget.
export const TEST_TIMEOUT_MS = 30_000;

// The keys every config uses; tests assert that none of them leaks where it must not.
export const KEYS = {
  openai: 'prov-openai-key',
  anthropic: 'prov-anthropic-key',
  gemini: 'prov-gemini-key',
  client: 'client-secret-key-123',
};

const live = new Set();
// A crashed test file must not leave servers behind.
process.on('exit', () => {
  for (const p of live) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

let tmpRoot;
/// A per-process temporary directory, removed at exit.
export function tempDir() {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
  }
  return tmpRoot;
}

let fileCounter = 0;
/// Writes `text` to a fresh file in the temp dir and returns its path.
export function writeTemp(name, text) {
  const path = join(tempDir(), `${++fileCounter}-${name}`);
  writeFileSync(path, text);
  return path;
}

/// A child process whose stdout lines and stderr text are kept for assertions.
export class Proc {
  /// Runs SLUICE_BIN with `args`, or `command` with `args` (a wrapper such as unshare).
  constructor(name, args, { env, command } = {}) {
    this.name = name;
    this.args = args;
    this.stdout = '';
    this.stderr = '';
    this.exit = null; // {code, signal} once exited
    if (!existsSync(SLUICE_BIN)) {
      throw new Error(`sluice binary not found at ${SLUICE_BIN}; build it or set SLUICE_BIN`);
    }
    this.child = spawn(command ?? SLUICE_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    live.add(this);
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d) => {
      this.stdout += d;
      this._notify();
    });
    this.child.stderr.on('data', (d) => {
      this.stderr += d;
      this._notify();
    });
    this.exited = new Promise((resolveExit) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        this._notify();
        resolveExit(this.exit);
      });
    });
    this._waiters = [];
  }

  _notify() {
    for (const w of this._waiters.slice()) w();
  }

  /// Resolves with the first match of `re` in stdout; rejects (with stderr) if the process
  /// exits first or nothing matches within `timeoutMs`.
  waitForStdout(re, timeoutMs = START_TIMEOUT_MS) {
    return new Promise((resolveWait, reject) => {
      const check = () => {
        const m = this.stdout.match(re);
        if (m) {
          done();
          resolveWait(m);
        } else if (this.exit) {
          done();
          reject(new Error(`${this.name} exited early (${JSON.stringify(this.exit)})\n` +
                           `args: ${this.args.join(' ')}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${re} on stdout within ${timeoutMs} ms\n` +
                         `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this._waiters = this._waiters.filter((w) => w !== check);
      };
      this._waiters.push(check);
      check();
    });
  }

  /// SIGTERM, then SIGKILL after STOP_TIMEOUT_MS. Resolves with {code, signal}.
  async stop(signal = 'SIGTERM') {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }

  /// Sanitizer reports on stderr (the suite runs against the ASan build in CI).
  sanitizerReports() {
    const lines = this.stderr.split('\n');
    return lines.filter((l) =>
      /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer/.test(l));
  }

  /// Access-log lines: the JSON objects on stdout.
  accessLog() {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  }
}

function urlOf(m) {
  return { url: m[1], port: Number(m[1].match(/:(\d+)$/)[1]) };
}

/// The fake upstream, with helpers for its /_fake/* endpoints.
export class Fake {
  static async start(extraArgs = []) {
    const f = new Fake();
    f.proc = new Proc('fake-upstream', ['fake-upstream', '--listen', '127.0.0.1:0', ...extraArgs]);
    const m = await f.proc.waitForStdout(/fake-upstream listening on (http:\/\/[^\s]+)/);
    Object.assign(f, urlOf(m));
    return f;
  }

  async _json(method, path) {
    const r = await fetch(this.url + path, { method, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await r.text();
    assert.equal(r.status, 200, `fake ${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  stats() {
    return this._json('GET', '/_fake/stats');
  }
  /// The last `n` requests the fake saw, oldest first: {method, path, query, headers, body}.
  requests(n = 50) {
    return this._json('GET', `/_fake/requests?n=${n}`);
  }
  /// The most recent request (optionally the most recent to `path`).
  async last(path) {
    const all = await this.requests(50);
    const hits = path ? all.filter((r) => r.path === path) : all;
    assert.ok(hits.length > 0, `the fake saw no request${path ? ` to ${path}` : ''}`);
    return hits[hits.length - 1];
  }
  reset() {
    return this._json('POST', '/_fake/reset');
  }
  stop() {
    return this.proc.stop();
  }
}

/// The usual three providers on the fake, two aliases, and anything in `extra` merged on top.
export function baseConfig(fakePort, extra = {}) {
  const origin = `http://127.0.0.1:${fakePort}`;
  return {
    log_level: 'info',
    providers: [
      { name: 'fake-openai', type: 'openai', base_url: `${origin}/v1`, api_key: KEYS.openai },
      { name: 'fake-anthropic', type: 'anthropic', base_url: origin, api_key: KEYS.anthropic },
      { name: 'fake-gemini', type: 'gemini', base_url: origin, api_key: KEYS.gemini },
    ],
    aliases: {
      fast: 'fake-openai/gpt-fake-mini',
      'claude-opus-4-8': 'fake-anthropic/claude-fake-sonnet',
    },
    ...extra,
  };
}

/// A running `sluice serve`.
export class Sluice {
  /// `config` is an object (written as JSON, which is YAML) or YAML text. With `waitModels`,
  /// waits until model discovery has published `waitModels` (an id) in GET /v1/models.
  static async start(config, { waitModels = 'fake-openai/gpt-fake', env, args = [] } = {}) {
    const s = new Sluice();
    const text = typeof config === 'string' ? config : JSON.stringify(config, null, 2) + '\n';
    s.configPath = writeTemp('sluice.yaml', text);
    s.proc = new Proc('sluice serve',
      ['serve', '--config', s.configPath, '--listen', '127.0.0.1:0', ...args], { env });
    const m = await s.proc.waitForStdout(/sluice listening on (http:\/\/[^\s]+)/);
    Object.assign(s, urlOf(m));
    if (waitModels) await s.waitForModel(waitModels);
    return s;
  }

  async waitForModel(id, timeoutMs = START_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const r = await fetch(`${this.url}/v1/models`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      last = await r.text();
      if (r.status === 200 && JSON.parse(last).data.some((m) => m.id === id)) return;
      await sleep(50);
    }
    throw new Error(`model ${id} not listed by sluice within ${timeoutMs} ms; last /v1/models: ${last}\n` +
                    `stderr:\n${this.proc.stderr}`);
  }

  accessLog() {
    return this.proc.accessLog();
  }

  /// Waits for an access-log line for `requestId`.
  async accessLine(requestId, timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.accessLog().find((l) => l.request_id === requestId);
      if (line) return line;
      await sleep(20);
    }
    throw new Error(`no access-log line for ${requestId}; stdout:\n${this.proc.stdout}`);
  }

  stop() {
    return this.proc.stop();
  }
}

/// Stops the given servers. Fails if one had already died (a crash mid-file) or printed a
/// sanitizer report, with its stderr, so that a crash is reported where it happened.
export async function stopAll(...servers) {
  const problems = [];
  for (const s of servers) {
    if (!s) continue;
    const diedEarly = s.proc.exit;
    await s.stop();
    const tail = s.proc.stderr.split('\n').slice(-40).join('\n');
    if (diedEarly) {
      problems.push(`${s.proc.name} died before the end of the file (${JSON.stringify(diedEarly)}):\n${tail}`);
    } else if (s.proc.sanitizerReports().length) {
      problems.push(`${s.proc.name} printed a sanitizer report:\n${s.proc.stderr}`);
    }
  }
  assert.deepEqual(problems, [], problems.join('\n\n'));
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/// Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the last value.
export async function poll(fn, { timeoutMs = 3_000, intervalMs = 25 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() >= deadline) return v;
    await sleep(intervalMs);
  }
}

/// fetch() with a deadline.
export function fetchT(url, init = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
  return fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
}

/// POSTs JSON (or a raw string/Buffer) and returns {status, headers, text, json}.
export async function post(url, body, headers = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const r = await fetchT(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  }, timeoutMs);
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/// A raw HTTP/1.1 exchange over a socket (for what fetch() cannot send, e.g. `Upgrade`, or to see
/// exact bytes). Resolves with the response text once one whole response has arrived
/// (Content-Length or chunked; headers only for HEAD) or the server closes the connection;
/// rejects after `timeoutMs`.
export function rawHttp(port, request, timeoutMs = REQUEST_TIMEOUT_MS) {
  const isHead = request.startsWith('HEAD ');
  return new Promise((resolveRaw, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    const finish = (fn, v) => {
      clearTimeout(timer);
      sock.destroy();
      fn(v);
    };
    const timer = setTimeout(() => {
      finish(reject, new Error(`raw HTTP: no end of response within ${timeoutMs} ms; got:\n${data}`));
    }, timeoutMs);
    const complete = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const head = data.slice(0, end);
      const body = data.slice(end + 4);
      if (isHead || /^HTTP\/1\.1 (1\d\d|204|304)/.test(head)) return true;
      const cl = head.match(/\r\ncontent-length:\s*(\d+)/i);
      if (cl) return Buffer.byteLength(body, 'latin1') >= Number(cl[1]);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return /(^|\r\n)0\r\n\r\n$/.test(body);
      return false;
    };
    sock.setEncoding('latin1');
    sock.on('connect', () => sock.write(request));
    sock.on('data', (d) => {
      data += d;
      if (complete()) finish(resolveRaw, data);
    });
    sock.on('error', (e) => finish(reject, e));
    sock.on('close', () => finish(resolveRaw, data));
  });
}

/// Parses an SSE byte stream into [{event, data}] (data lines joined with "\n").
export function parseSse(text) {
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    const ev = { event: undefined, data: '' };
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) ev.event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    ev.data = data.join('\n');
    events.push(ev);
  }
  return events;
}

/// Lets a test file share one fake and one sluice: call in a top-level before()/after().
export async function startStack(extra = {}, opts = {}) {
  const fake = await Fake.start(opts.fakeArgs ?? []);
  let sluice;
  try {
    sluice = await Sluice.start(baseConfig(fake.port, extra), opts);
  } catch (e) {
    await fake.stop();
    throw e;
  }
  return { fake, sluice };
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
export async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}
