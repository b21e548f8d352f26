// Lifecycle: client aborts release the upstream, SIGTERM drains in-flight streams, health
// endpoints, the access log (and that no key is ever printed), config errors, `sluice init`.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import OpenAI from 'openai';
import {
  Fake, Sluice, Proc, baseConfig, stopAll, post, fetchT, poll, sleep, writeTemp, tempDir,
  SLUICE_BIN, KEYS, TEST_TIMEOUT_MS, START_TIMEOUT_MS,
} from './helpers.js';

let fake;
let sluice;

before(async () => {
  fake = await Fake.start();
  // debug level: the most verbose diagnostics must not print keys either.
  sluice = await Sluice.start(baseConfig(fake.port, { log_level: 'debug' }));
});
after(() => stopAll(sluice, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const slowMessages = (chunks, gap) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-api-key': KEYS.client,
    'x-fake-chunks': String(chunks),
    'x-fake-chunk-gap-ms': String(gap),
  },
  body: JSON.stringify({ model: 'claude-fake-sonnet', max_tokens: 512, stream: true, messages: [{ role: 'user', content: 'slow' }] }),
});

describe('client aborts', () => {
  test('aborting a slow stream releases the upstream connection within ~1 s', opts, async () => {
    const before = await fake.stats();
    const ctrl = new AbortController();
    const r = await fetch(`${sluice.url}/v1/messages`, { ...slowMessages(50, 100), signal: ctrl.signal });
    assert.equal(r.status, 200);
    const reader = r.body.getReader();
    const { value } = await reader.read();
    assert.ok(value.length > 0);
    const t0 = Date.now();
    ctrl.abort();
    await reader.cancel().catch(() => {});
    const stats = await poll(async () => {
      const s = await fake.stats();
      return s.streams_aborted > before.streams_aborted && s.active_requests === 0 ? s : null;
    }, { timeoutMs: 2000 });
    assert.ok(stats, `the fake did not see the stream end: ${JSON.stringify(await fake.stats())}`);
    assert.ok(Date.now() - t0 < 1500, `released after ${Date.now() - t0} ms`);
    assert.equal(stats.streams_completed, before.streams_completed, 'the stream was not run to its end');
  });

  test('aborting while waiting for the first byte abandons the upstream request', opts, async () => {
    const before = await fake.stats();
    const ctrl = new AbortController();
    const init = slowMessages(2, 0);
    init.headers['x-fake-latency-ms'] = '5000';
    const pending = fetch(`${sluice.url}/v1/messages`, { ...init, signal: ctrl.signal }).catch((e) => e);
    await sleep(300);
    ctrl.abort();
    await pending;
    const ok = await poll(async () => (await fake.stats()).requests_abandoned > before.requests_abandoned,
      { timeoutMs: 2000 });
    assert.ok(ok, `upstream request still waiting: ${JSON.stringify(await fake.stats())}`);
    // The request is still accounted for: one access-log line, with nginx's "client closed
    // request" status, not a 200 or a 5xx that never reached anyone.
    const line = await poll(async () => sluice.accessLog().find((l) => l.status === 499
      && l.path === '/v1/messages'), { timeoutMs: 2000 });
    assert.ok(line, `no access-log line with status 499: ${JSON.stringify(sluice.accessLog().slice(-3))}`);
  });
});

describe('slow readers', () => {
  // A stream far larger than the loopback socket buffers: sluice's writes fill the buffer and
  // continue asynchronously (the path a write that the socket took at once never takes).
  function request(port) {
    const body = JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'long' }] });
    return ['POST /v1/chat/completions HTTP/1.1', `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json', `Authorization: Bearer ${KEYS.client}`,
      // ~9 MB: 40,000 one-letter deltas of ~230 bytes each.
      `x-fake-reply: ${'x'.repeat(40000)}`, 'x-fake-chunks: 40000',
      `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close',
      '', body].join('\r\n');
  }

  test('a client that pauses reading still gets every byte of a large stream', opts, async () => {
    const text = await new Promise((resolveText, reject) => {
      const sock = net.connect(sluice.port, '127.0.0.1');
      const parts = [];
      let received = 0;
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`stalled at ${received} bytes`)); }, 25_000);
      sock.on('connect', () => {
        sock.write(request(sluice.port));
        sock.pause();  // sluice's send buffer and ours fill up
        setTimeout(() => sock.resume(), 1500);
      });
      sock.on('data', (d) => { parts.push(d); received += d.length; });
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
      sock.on('close', () => { clearTimeout(timer); resolveText(Buffer.concat(parts).toString('latin1')); });
    });
    assert.ok(text.length > 8 * 1024 * 1024, `only ${text.length} bytes: the buffers never filled`);
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /data: \[DONE\]\r?\n\r?\n\r\n0\r\n\r\n$/, 'the stream ends with [DONE] and the last chunk');
    const deltas = (text.match(/"delta":\{"content":"x"\}/g) || []).length;
    assert.equal(deltas, 40000, 'every content delta arrived');
  });

  test('a client that stops reading is disconnected after write_timeout, and its upstream call cancelled', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port, { limits: { write_timeout: '1s' } }));
    try {
      const before = await fake.stats();
      // Paused for 3 s (past the 1 s write_timeout), then drained: a paused socket sees the
      // close only once its buffered bytes are read.
      const text = await new Promise((resolveText, reject) => {
        const sock = net.connect(own.port, '127.0.0.1');
        const parts = [];
        const timer = setTimeout(() => { sock.destroy(); reject(new Error('still connected after 15 s')); }, 15_000);
        sock.on('connect', () => {
          sock.write(request(own.port));
          sock.pause();
          setTimeout(() => sock.resume(), 3000);
        });
        sock.on('data', (d) => parts.push(d));
        sock.on('error', () => {});  // a reset is a disconnect too
        sock.on('close', () => { clearTimeout(timer); resolveText(Buffer.concat(parts).toString('latin1')); });
      });
      assert.match(text, /^HTTP\/1\.1 200/);
      assert.doesNotMatch(text, /\r\n0\r\n\r\n$/, 'the stream was cut, not completed');
      assert.ok(text.length < 8 * 1024 * 1024, `${text.length} bytes: the stream was not cut`);
      const released = await poll(async () => (await fake.stats()).streams_aborted > before.streams_aborted,
        { timeoutMs: 3000 });
      assert.ok(released, `upstream call not cancelled: ${JSON.stringify(await fake.stats())}`);
      // The gateway still serves.
      const r = await post(`${own.url}/v1/chat/completions`, { model: 'fast', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${KEYS.client}` });
      assert.equal(r.status, 200);
    } finally {
      await own.stop();
    }
  });
});

describe('slow clients', () => {
  // Raw TCP: what arrives, when, and when sluice closes the connection.
  function exchange(port, parts) {
    return new Promise((resolveText, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      const started = Date.now();
      let data = '';
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`not closed; got:\n${data}`)); }, 10_000);
      sock.setEncoding('latin1');
      sock.on('connect', () => { for (const p of parts) sock.write(p); });
      sock.on('data', (d) => { data += d; });
      sock.on('error', () => {});  // a reset after the answer still ends the exchange
      sock.on('close', () => { clearTimeout(timer); resolveText({ data, ms: Date.now() - started }); });
    });
  }
  const limits = { header_timeout: '1s', body_timeout: '1s', idle_timeout: '1s' };

  test('a client that stalls inside its headers gets 408 after header_timeout', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port, { limits }));
    try {
      const r = await exchange(own.port, [`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Ty`]);
      assert.match(r.data, /^HTTP\/1\.1 408 /, r.data);
      assert.match(r.data, /timed out reading request headers/);
      // The deadline is checked by a sweep every 100 ms: a little late, never early.
      assert.ok(r.ms >= 950 && r.ms < 3000, `closed after ${r.ms} ms`);
    } finally { await own.stop(); }
  });

  test('a client that stalls inside its body gets 408 after body_timeout', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port, { limits }));
    try {
      const head = ['POST /v1/chat/completions HTTP/1.1', 'Host: x', 'Content-Type: application/json',
        `Authorization: Bearer ${KEYS.client}`, 'Content-Length: 100', '', '{"model":"fast",'].join('\r\n');
      const r = await exchange(own.port, [head]);
      assert.match(r.data, /^HTTP\/1\.1 408 /, r.data);
      assert.match(r.data, /timed out reading request body/);
      assert.match(r.data, /"error"/, 'in the OpenAI error shape of the path it was sent to');
      assert.ok(r.ms >= 950 && r.ms < 3000, `closed after ${r.ms} ms`);
    } finally { await own.stop(); }
  });

  test('an idle keep-alive connection is closed after idle_timeout, a busy one is not', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port, { limits }));
    try {
      // No request at all: closed without an answer after idle_timeout.
      const idle = await exchange(own.port, []);
      assert.equal(idle.data, '');
      assert.ok(idle.ms >= 950 && idle.ms < 3000, `closed after ${idle.ms} ms`);
      // A stream that takes ~2 s (longer than every timeout above) is not cut by them.
      const body = JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'slow' }] });
      const req = ['POST /v1/chat/completions HTTP/1.1', 'Host: x', 'Content-Type: application/json',
        `Authorization: Bearer ${KEYS.client}`, 'x-fake-chunks: 5', 'x-fake-chunk-gap-ms: 500',
        `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
      const busy = await exchange(own.port, [req]);
      assert.match(busy.data, /^HTTP\/1\.1 200 /);
      assert.match(busy.data, /data: \[DONE\]/, 'the whole stream came');
      assert.ok(busy.ms >= 1900 + 950, `kept alive ${busy.ms} ms, then closed after idle_timeout`);
    } finally { await own.stop(); }
  });
});

describe('pipelining', () => {
  test('a request pipelined while a stream is relayed is kept and answered after it', opts, async () => {
    const streamBody = JSON.stringify({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'slow' }] });
    const chatBody = JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'next' }] });
    const req = (body, extra) => ['POST /v1/chat/completions HTTP/1.1', `Host: 127.0.0.1:${sluice.port}`,
      'Content-Type: application/json', `Authorization: Bearer ${KEYS.client}`, ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
    const text = await new Promise((resolveText, reject) => {
      const sock = net.connect(sluice.port, '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no second response; got:\n${data}`)); }, 10_000);
      sock.setEncoding('latin1');
      sock.on('connect', () => {
        // The first answer streams for ~0.8 s; the second request arrives while it does, so
        // sluice's watch of the client reads it during the exchange.
        sock.write(req(streamBody, ['x-fake-chunks: 4', 'x-fake-chunk-gap-ms: 200']));
        setTimeout(() => sock.write(req(chatBody, ['Connection: close'])), 300);
      });
      sock.on('data', (d) => { data += d; });
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
      sock.on('close', () => { clearTimeout(timer); resolveText(data); });
    });
    const heads = text.match(/HTTP\/1\.1 \d+/g) || [];
    assert.deepEqual(heads, ['HTTP/1.1 200', 'HTTP/1.1 200'], text.slice(0, 400));
    const second = text.indexOf('HTTP/1.1 200', 1);
    assert.match(text.slice(0, second), /data: \[DONE\]/, 'the stream was not cut by the pipelined bytes');
    assert.match(text.slice(second), /"object":"chat\.completion"/);
  });

  test('two requests in one write, the second with a chunked body sent in pieces, are both answered', opts, async () => {
    const body = (word) => JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: word }] });
    const head = (extra) => ['POST /v1/chat/completions HTTP/1.1', `Host: 127.0.0.1:${sluice.port}`,
      'Content-Type: application/json', `Authorization: Bearer ${KEYS.client}`, ...extra, '', ''].join('\r\n');
    const first = head([`Content-Length: ${Buffer.byteLength(body('first'))}`]) + body('first');
    const second = body('second');
    const cut = 10;
    // The first request, the second's head and its first chunk in one write: the first body
    // ends inside the read, and what follows it must wait for the next request.
    const pieces = [
      first + head(['Transfer-Encoding: chunked', 'Connection: close']) +
        `${cut.toString(16)}\r\n${second.slice(0, cut)}\r\n`,
      `${(second.length - cut).toString(16)}\r\n${second.slice(cut, 20)}`,
      `${second.slice(20)}\r\n0\r\n\r\n`,
    ];
    const text = await new Promise((resolveText, reject) => {
      const sock = net.connect(sluice.port, '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no second response; got:\n${data}`)); }, 10_000);
      sock.setEncoding('latin1');
      sock.on('connect', async () => {
        for (const p of pieces) {
          sock.write(p);
          await sleep(50);
        }
      });
      sock.on('data', (d) => { data += d; });
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
      sock.on('close', () => { clearTimeout(timer); resolveText(data); });
    });
    const heads = text.match(/HTTP\/1\.1 \d+/g) || [];
    assert.deepEqual(heads, ['HTTP/1.1 200', 'HTTP/1.1 200'], text.slice(0, 600));
    const at = text.indexOf('HTTP/1.1 200', 1);
    assert.match(text.slice(0, at), /first/, 'the first answer echoes the first prompt');
    assert.match(text.slice(at), /second/, 'the second answer echoes the whole chunked prompt');
  });
});

describe('health and logs', () => {
  test('/healthz 200, /readyz 200 while serving', opts, async () => {
    const h = await fetchT(`${sluice.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal((await h.json()).status, 'ok');
    const r = await fetchT(`${sluice.url}/readyz`);
    assert.equal(r.status, 200);
  });

  test('access log: one JSON line per model request, with the fields operators need', opts, async () => {
    const oai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 0 });
    const ids = [];
    const a = await oai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    ids.push(['openai_chat', a.response.headers.get('x-sluice-request-id'), 200, 'fast', 'fake-openai']);
    const s = await fetchT(`${sluice.url}/v1/messages`, slowMessages(3, 0));
    await s.text();
    ids.push(['anthropic', s.headers.get('x-sluice-request-id'), 200, 'claude-fake-sonnet', 'fake-anthropic']);
    const g = await post(`${sluice.url}/v1beta/models/gemini-fake-pro:generateContent`,
      { contents: [{ parts: [{ text: 'x' }] }] }, { 'x-goog-api-key': KEYS.client });
    ids.push(['gemini', g.headers.get('x-sluice-request-id'), 200, 'gemini-fake-pro', 'fake-gemini']);
    const e = await post(`${sluice.url}/v1/chat/completions`, { model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${KEYS.client}`, 'x-fake-status': '429' });
    ids.push(['openai_chat', e.headers.get('x-sluice-request-id'), 429, 'gpt-fake', 'fake-openai']);
    // Not model requests: no access-log line expected for these.
    await fetchT(`${sluice.url}/healthz`);
    await fetchT(`${sluice.url}/v1/models`);

    for (const [wire, id, status, model, provider] of ids) {
      assert.ok(id, 'x-sluice-request-id present');
      const line = await sluice.accessLine(id);
      assert.equal(line.wire, wire);
      assert.equal(line.model, model);
      assert.equal(line.provider, provider);
      assert.equal(line.status, status);
      assert.equal(typeof line.latency_ms, 'number');
      assert.ok(line.latency_ms >= 0);
      assert.equal(typeof line.ttfb_ms, 'number', `ttfb_ms in ${JSON.stringify(line)}`);
      assert.ok(line.ttfb_ms <= line.latency_ms);
      assert.equal(sluice.accessLog().filter((l) => l.request_id === id).length, 1, 'exactly one line');
    }
    const streamLine = await sluice.accessLine(ids[1][1]);
    assert.equal(streamLine.stream, true);
    assert.equal((await sluice.accessLine(ids[0][1])).served_model, 'gpt-fake-mini');
    // Every stdout line is JSON (diagnostics go to stderr) except the one "listening" line.
    const other = sluice.proc.stdout.split('\n').filter((l) => l && !l.startsWith('{') && !l.startsWith('sluice listening on'));
    assert.deepEqual(other, []);
  });

  test('no key, client or provider, appears in stdout or stderr', opts, async () => {
    // Make sure there was traffic with every key, including failures that log upstream errors.
    await post(`${sluice.url}/v1/messages`, { model: 'missing-x', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      { 'x-api-key': KEYS.client, 'anthropic-version': '2023-06-01' });
    await post(`${sluice.url}/v1beta/models/gemini-fake-pro:generateContent?key=${KEYS.client}`,
      { contents: [{ parts: [{ text: 'x' }] }] });
    await post(`${sluice.url}/v1/chat/completions`, { model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${KEYS.client}`, 'x-fake-reset-after': '1' });
    await sleep(200);
    const out = sluice.proc.stdout + sluice.proc.stderr;
    for (const [name, key] of Object.entries(KEYS)) {
      assert.ok(!out.includes(key), `the ${name} key was printed:\n${out.split('\n').filter((l) => l.includes(key)).join('\n')}`);
    }
    assert.ok(sluice.accessLog().length >= 3, 'there was logged traffic to check');
  });
});

describe('shutdown', () => {
  test('SIGTERM lets an in-flight stream finish, then exits 0', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port, { limits: { drain_timeout: '10s' } }),
      { waitModels: 'fake-anthropic/claude-fake-sonnet' });
    try {
      const r = await fetch(`${own.url}/v1/messages`, slowMessages(15, 100));
      assert.equal(r.status, 200);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      own.proc.child.kill('SIGTERM');
      await poll(() => /draining/.test(own.proc.stderr), { timeoutMs: 2000 });
      // New connections are refused while draining (the listener is closed).
      const probe = await fetchT(`${own.url}/readyz`, {}, 1000).then((x) => x.status, (e) => e.cause?.code ?? 'error');
      assert.ok(probe === 503 || probe === 'ECONNREFUSED', `readyz during drain: ${probe}`);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      const deltas = (text.match(/event: content_block_delta/g) ?? []).length;
      assert.ok(deltas >= 15, `all deltas arrived (${deltas})`);
      assert.match(text, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
      const exit = await Promise.race([own.proc.exited, sleep(8000).then(() => 'still running')]);
      assert.deepEqual(exit, { code: 0, signal: null }, own.proc.stderr);
      assert.match(own.proc.stderr, /draining/);
      assert.deepEqual(own.proc.sanitizerReports(), []);
    } finally {
      await own.stop();
    }
  });

  test('SIGTERM with nothing in flight exits 0 at once', opts, async () => {
    const own = await Sluice.start(baseConfig(fake.port), { waitModels: null });
    const t0 = Date.now();
    const exit = await own.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, own.proc.stderr);
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  });
});

describe('configuration', () => {
  test('SIGHUP reloads the config; a broken one is rejected and the old one kept', opts, async () => {
    const cfg = baseConfig(fake.port);
    const own = await Sluice.start(cfg, { waitModels: 'fast' });
    try {
      cfg.aliases.reloaded = 'fake-openai/gpt-fake-mini';
      writeFileSync(own.configPath, JSON.stringify(cfg, null, 2));
      own.proc.child.kill('SIGHUP');
      await own.waitForModel('reloaded', 5000);
      const r = await post(`${own.url}/v1/chat/completions`, { model: 'reloaded', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('x-sluice-model'), 'gpt-fake-mini');

      writeFileSync(own.configPath, 'providers:\n  - name: x\n    typo: 1\n');
      own.proc.child.kill('SIGHUP');
      const rejected = await poll(() => own.proc.stderr.includes(`${own.configPath}:3:5`), { timeoutMs: 3000 });
      assert.ok(rejected, `the reload error names file:line:column:\n${own.proc.stderr}`);
      const again = await post(`${own.url}/v1/chat/completions`, { model: 'reloaded', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(again.status, 200, 'the previous config still serves');
      assert.equal(own.proc.exit, null);
    } finally {
      await own.stop();
    }
  });

  test('an unknown key: serve exits non-zero with file:line:column', opts, async () => {
    const path = writeTemp('bad.yaml', [
      'listen: 127.0.0.1:0',
      'providers:',
      '  - name: p',
      '    type: openai',
      '    base_url: http://127.0.0.1:9/v1',
      '    api_kee: oops',
      '',
    ].join('\n'));
    const r = spawnSync(SLUICE_BIN, ['serve', '--config', path], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    assert.notEqual(r.status, 0);
    assert.equal(r.signal, null, 'exited, not killed');
    assert.ok(r.stderr.includes(`${path}:6:5`), r.stderr);
    assert.match(r.stderr, /api_kee/);
    assert.ok(!r.stdout.includes('listening'), 'never listened');
  });

  test('a port already in use: serve says so and exits 1 (no abort)', opts, async () => {
    const dir = tempDir();
    const path = writeTemp('busy.yaml', JSON.stringify({
      ...baseConfig(fake.port),
      store: { path: join(dir, 'busy', 'sluice.db') },
    }));
    const r = spawnSync(SLUICE_BIN, ['serve', '--config', path, '--listen', `127.0.0.1:${sluice.port}`],
                        { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    assert.equal(r.signal, null, `exited, not killed by a signal: ${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: .*in use/i);
    assert.doesNotMatch(r.stderr, /terminate called/);
  });

  test('a wrong value type is reported with its position too', opts, async () => {
    const path = writeTemp('bad2.yaml', 'timeouts:\n  first_byte: soon\n');
    const r = spawnSync(SLUICE_BIN, ['serve', '--config', path], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    assert.notEqual(r.status, 0);
    assert.ok(r.stderr.includes(`${path}:2:15`), r.stderr);
  });

  test('`sluice init` writes a config that `sluice serve` accepts', opts, async (t) => {
    const path = join(tempDir(), 'init', 'x.yaml');
    mkdirSync(join(tempDir(), 'init'), { recursive: true });
    const w = spawnSync(SLUICE_BIN, ['init', path], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    assert.equal(w.status, 0, w.stderr);
    assert.match(readFileSync(path, 'utf8'), /providers:/);
    const again = spawnSync(SLUICE_BIN, ['init', path], { encoding: 'utf8', timeout: START_TIMEOUT_MS });
    assert.notEqual(again.status, 0, 'does not overwrite without --force');

    // The example names the real providers; model discovery would call them. Run it in a
    // network namespace of its own, with loopback only, so that nothing leaves this machine.
    const ns = spawnSync('unshare', ['-n', 'true']);
    if (ns.status !== 0) {
      t.skip('unshare -n unavailable (needs root): cannot start the example config offline');
      return;
    }
    const env = {};
    for (const k of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY']) env[k] = '';
    const proc = new Proc('sluice serve (init config)',
      ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', SLUICE_BIN, 'serve', '--config', path, '--listen', '127.0.0.1:0'],
      { env, command: 'unshare' });
    try {
      await proc.waitForStdout(/sluice listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      const exit = await proc.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, proc.stderr);
    }
    assert.match(proc.stderr, /ANTHROPIC_API_KEY/, 'warns about the unset key');
  });
});
