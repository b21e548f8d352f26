// Errors as the SDKs see them: each failure must arrive as the SDK's typed error with the right
// status, in the error shape of the client's wire, with the headers retries depend on.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import {
  Fake, Sluice, baseConfig, stopAll, post, fetchT, rawHttp, closedPort, poll, KEYS, TEST_TIMEOUT_MS,
} from './helpers.js';

let fake;
let sluice; // 500 ms first-byte and 800 ms idle timeouts, providers on a closed port
let strict; // default_provider: none for every wire
let oai;
let ant;

before(async () => {
  fake = await Fake.start();
  const dead = await closedPort();
  const cfg = baseConfig(fake.port, { timeouts: { first_byte: '500ms', idle: '800ms' } });
  cfg.providers.push(
    { name: 'dead-openai', type: 'openai', base_url: `http://127.0.0.1:${dead}/v1`, api_key: 'k', discover_models: false },
    { name: 'dead-anthropic', type: 'anthropic', base_url: `http://127.0.0.1:${dead}`, api_key: 'k', discover_models: false },
  );
  cfg.aliases['dead-model'] = 'dead-openai/gpt-x';
  sluice = await Sluice.start(cfg);
  strict = await Sluice.start(baseConfig(fake.port, {
    default_provider: { openai: 'none', anthropic: 'none', gemini: 'none' },
  }));
  oai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
  ant = new Anthropic({ baseURL: sluice.url, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });
});
after(() => stopAll(sluice, strict, fake));

const opts = { timeout: TEST_TIMEOUT_MS };
const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });
const msg = (model, extra = {}) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra });

/// Runs `fn`, which must throw; returns the error.
async function rejects(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

describe('unknown models', () => {
  test('no default provider: OpenAI NotFoundError 404 that says how to list models', opts, async () => {
    const c = new OpenAI({ baseURL: `${strict.url}/v1`, apiKey: KEYS.client, maxRetries: 0 });
    const e = await rejects(() => c.chat.completions.create(chat('no-such-model-anywhere')));
    assert.ok(e instanceof OpenAI.NotFoundError, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, 404);
    assert.match(e.message, /no-such-model-anywhere/);
    assert.match(e.message, /GET \/v1\/models/);
    assert.equal(e.code, 'model_not_found');
    assert.equal(e.param, 'model');
    assert.ok(e.headers.get('x-sluice-request-id'));
    const seen = await fake.requests(50);
    assert.ok(!seen.some((r) => r.body.includes('no-such-model-anywhere')), 'nothing went upstream');
  });

  test('no default provider: Anthropic NotFoundError with not_found_error type', opts, async () => {
    const c = new Anthropic({ baseURL: strict.url, apiKey: KEYS.client, maxRetries: 0 });
    const e = await rejects(() => c.messages.create(msg('claude-nonexistent-9')));
    assert.ok(e instanceof Anthropic.NotFoundError, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, 404);
    assert.equal(e.error.type, 'error');
    assert.equal(e.error.error.type, 'not_found_error');
    assert.match(e.error.error.message, /GET \/v1\/models/);
  });

  test('a listed model still works on the strict instance', opts, async () => {
    const c = new OpenAI({ baseURL: `${strict.url}/v1`, apiKey: KEYS.client, maxRetries: 0 });
    const r = await c.chat.completions.create(chat('gpt-fake'));
    assert.equal(r.model, 'gpt-fake');
  });

  test("the provider's own 404 (missing-foo) passes through as NotFoundError", opts, async () => {
    const e = await rejects(() => oai.chat.completions.create(chat('missing-foo')));
    assert.ok(e instanceof OpenAI.NotFoundError, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, 404);
    assert.match(e.message, /The model `missing-foo` does not exist/);
    assert.equal(e.headers.get('x-sluice-provider'), 'fake-openai');

    const a = await rejects(() => ant.messages.create(msg('missing-foo')));
    assert.ok(a instanceof Anthropic.NotFoundError, `${a.constructor.name}: ${a.message}`);
    assert.equal(a.error.error.type, 'not_found_error');
  });
});

/// Runs `fn(instance)` against a fresh sluice, then checks that it is still serving: a request
/// that crashes the gateway fails its own test only, with the crash in the message.
async function solo(fn) {
  const s = await Sluice.start(baseConfig(fake.port), { waitModels: null });
  try {
    await fn(s);
    const h = await fetchT(`${s.url}/healthz`, {}, 3000).then((x) => x.status, (e) => e.cause?.code ?? String(e));
    assert.equal(h, 200, `sluice is not serving after the request (exit ${JSON.stringify(s.proc.exit)}):\n` +
      s.proc.stderr.split('\n').slice(-20).join('\n'));
  } finally {
    await s.stop();
  }
}

describe('request validation (each on its own instance)', () => {
  test('malformed JSON: 400 in the OpenAI shape with the position', opts, () => solo(async (s) => {
    const r = await post(`${s.url}/v1/chat/completions`, '{"model": "gpt-fake",\n "messages": [}');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.equal(r.json.error.code, 'invalid_json');
    assert.match(r.json.error.message, /line 2, column \d+/);
    assert.ok('param' in r.json.error);
    assert.equal(r.headers.get('content-type'), 'application/json');
  }));

  test('malformed JSON on /v1/messages: 400 in the Anthropic shape', opts, () => solo(async (s) => {
    const r = await post(`${s.url}/v1/messages`,
      '{"model": "claude-fake-sonnet", "max_tokens": 5, "messages": [}', { 'anthropic-version': '2023-06-01' });
    assert.equal(r.status, 400);
    assert.equal(r.json.type, 'error');
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.match(r.json.error.message, /line 1, column \d+/);
    assert.match(r.json.request_id, /^req_/);
  }));

  test('a truncated JSON body: 400 incomplete JSON', opts, () => solo(async (s) => {
    const r = await post(`${s.url}/v1/chat/completions`, '{"model": "gpt-fake", "messages": [');
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /incomplete JSON at line 1/);
  }));

  test('a body that is not an object reaches the SDK as BadRequestError', opts, () => solo(async (s) => {
    const c = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: KEYS.client, maxRetries: 0 });
    const e = await rejects(() => c.post('/chat/completions', { body: [1, 2, 3] }));
    assert.ok(e instanceof OpenAI.BadRequestError, `${e.constructor.name}: ${e.message}`);
    assert.match(e.message, /JSON object/);
  }));

  test('a body without a model: 400 that says how to name one', opts, () => solo(async (s) => {
    const r = await post(`${s.url}/v1/messages`, { max_tokens: 5, messages: [] }, { 'anthropic-version': '2023-06-01' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.match(r.json.error.message, /model/);
  }));

  test('embeddings for a model of another wire: 400 translation_unavailable', opts, () => solo(async (s) => {
    const r = await post(`${s.url}/v1/embeddings`, { model: 'fake-gemini/text-embedding-fake', input: 'x' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'translation_unavailable');
    assert.match(r.json.error.message, /fake-gemini/);
    // The access log records the error message as sent.
    const line = await s.accessLine(r.headers.get('x-sluice-request-id'));
    assert.equal(line.error, r.json.error.message);
  }));
});

describe('HTTP-level errors', () => {
  let own;
  before(async () => {
    own = await Sluice.start(baseConfig(fake.port, { limits: { max_body: '64KiB' } }), { waitModels: null });
  });
  after(() => stopAll(own));
  const ownOai = () => new OpenAI({ baseURL: `${own.url}/v1`, apiKey: KEYS.client, maxRetries: 0, timeout: 15_000 });

  test('body over limits.max_body: 413', opts, async () => {
    const big = JSON.stringify(chat('gpt-fake', { metadata: { pad: 'x'.repeat(100_000) } }));
    const r = await post(`${own.url}/v1/chat/completions`, big);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.match(r.json.error.message, /limit/);
    const e = await rejects(() => ownOai().chat.completions.create(chat('gpt-fake', { user: 'x'.repeat(100_000) })));
    assert.equal(e.status, 413);
  });

  test('chunked body over limits.max_body: 413', opts, async () => {
    // Raw, so that the client stops writing and reads: a client still sending when the server
    // closes gets EPIPE instead of the answer, whatever the server does.
    let req = 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n';
    for (let c = 0; c < 5; c++) req += `4000\r\n${'x'.repeat(0x4000)}\r\n`;
    const raw = await rawHttp(own.port, req);
    assert.match(raw, /^HTTP\/1\.1 413 /);
    assert.match(raw, /"invalid_request_error"/);
  });

  test('wrong method: 405', opts, async () => {
    const r = await fetchT(`${own.url}/v1/chat/completions`);
    assert.equal(r.status, 405);
    const j = await r.json();
    assert.match(j.error.message, /POST/);
    const m = await fetchT(`${own.url}/v1/models`, { method: 'DELETE' });
    assert.equal(m.status, 405);
  });

  test('unknown path: 404 listing the endpoints', opts, async () => {
    const r = await post(`${own.url}/v1/completions/legacy`, chat('gpt-fake'));
    assert.equal(r.status, 404);
    assert.match(r.json.error.message, /\/v1\/chat\/completions/);
    const e = await rejects(() => ownOai().post('/no/such/endpoint', { body: {} }));
    assert.ok(e instanceof OpenAI.NotFoundError);
  });
});

describe('upstream failures', () => {
  test('unreachable upstream: 502, InternalServerError, x-should-retry', opts, async () => {
    const e = await rejects(() => oai.chat.completions.create(chat('dead-model')));
    assert.ok(e instanceof OpenAI.InternalServerError, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, 502);
    assert.match(e.message, /dead-openai/);
    assert.equal(e.headers.get('x-should-retry'), 'true');
    const a = await rejects(() => ant.messages.create(msg('dead-anthropic/claude-x')));
    assert.ok(a instanceof Anthropic.InternalServerError, `${a.constructor.name}: ${a.message}`);
    assert.equal(a.status, 502);
    assert.equal(a.error.type, 'error');
  });

  test('upstream slower than timeouts.first_byte: 504, and the upstream call is abandoned', opts, async () => {
    const before = (await fake.stats()).requests_abandoned;
    const t0 = Date.now();
    const e = await rejects(() => oai.chat.completions.create(chat('gpt-fake'),
      { headers: { 'x-fake-latency-ms': '3000' } }));
    const took = Date.now() - t0;
    assert.equal(e.status, 504, `${e.constructor.name}: ${e.message}`);
    assert.ok(e instanceof OpenAI.InternalServerError);
    assert.ok(took < 2500, `answered after the 500 ms deadline, not the 3 s latency (${took} ms)`);
    const a = await rejects(() => ant.messages.create(msg(MODEL_A), { headers: { 'x-fake-latency-ms': '3000' } }));
    assert.ok(a instanceof Anthropic.GatewayTimeoutError, `${a.constructor.name}: ${a.message}`);
    const abandoned = await poll(async () => (await fake.stats()).requests_abandoned >= before + 2, { timeoutMs: 3000 });
    assert.ok(abandoned, 'sluice closed its upstream connections');
  });

  test('429 from the provider: RateLimitError with retry-after and rate-limit headers kept', opts, async () => {
    const hdr = { 'x-fake-status': '429', 'x-fake-retry-after': '2' };
    const e = await rejects(() => oai.chat.completions.create(chat('gpt-fake'), { headers: hdr }));
    assert.ok(e instanceof OpenAI.RateLimitError, `${e.constructor.name}: ${e.message}`);
    assert.equal(e.status, 429);
    assert.equal(e.headers.get('retry-after'), '2');
    assert.equal(e.headers.get('retry-after-ms'), '2000');
    assert.equal(e.headers.get('x-ratelimit-remaining-requests'), '0');

    const a = await rejects(() => ant.messages.create(msg(MODEL_A), { headers: hdr }));
    assert.ok(a instanceof Anthropic.RateLimitError, `${a.constructor.name}: ${a.message}`);
    assert.equal(a.headers.get('retry-after'), '2');
    assert.equal(a.headers.get('anthropic-ratelimit-requests-remaining'), '0');
    assert.equal(a.error.error.type, 'rate_limit_error');
  });

  test('the SDK waits retry-after seconds before retrying through sluice', opts, async () => {
    const c = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 1 });
    const t0 = Date.now();
    const e = await rejects(() => c.chat.completions.create(chat('gpt-fake'),
      { headers: { 'x-fake-status': '429', 'x-fake-retry-after': '1' } }));
    assert.equal(e.status, 429);
    assert.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms, want ~1000`);
  });

  test('Anthropic 529 overloaded passes through as OverloadedError', opts, async () => {
    const e = await rejects(() => ant.messages.create(msg(MODEL_A), { headers: { 'x-fake-status': '529' } }));
    assert.equal(e.status, 529, `${e.constructor.name}: ${e.message}`);
    assert.ok(e instanceof Anthropic.InternalServerError);
    assert.equal(e.constructor.name, 'OverloadedError');
    assert.equal(e.error.error.type, 'overloaded_error');
  });

  test('mid-stream error event reaches the Anthropic SDK during iteration', opts, async () => {
    const stream = await ant.messages.create(msg(MODEL_A, { stream: true }),
      { headers: { 'x-fake-error-after': '2' } });
    let text = '';
    const e = await rejects(async () => {
      for await (const ev of stream) {
        if (ev.type === 'content_block_delta') text += ev.delta.text;
      }
    });
    assert.ok(e instanceof Anthropic.APIError, `${e.constructor.name}: ${e.message}`);
    assert.match(e.message, /overloaded|Overloaded/);
    assert.ok(text.length > 0, 'two deltas arrived before the error');
    assert.equal((await fake.stats()).streams_errored >= 1, true);
  });

  test('mid-stream error chunk reaches the OpenAI SDK during iteration', opts, async () => {
    const stream = await oai.chat.completions.create(chat('gpt-fake', { stream: true }),
      { headers: { 'x-fake-error-after': '2' } });
    let chunks = 0;
    const e = await rejects(async () => {
      for await (const c of stream) chunks += c.choices.length;
    });
    assert.ok(e instanceof OpenAI.APIError, `${e.constructor.name}: ${e.message}`);
    assert.ok(chunks >= 2);
  });

  test('upstream connection reset mid-stream: the client gets its wire\'s error event', opts, async () => {
    const stream = await ant.messages.create(msg(MODEL_A, { stream: true }),
      { headers: { 'x-fake-reset-after': '2' } });
    let text = '';
    const e = await rejects(async () => {
      for await (const ev of stream) {
        if (ev.type === 'content_block_delta') text += ev.delta.text;
      }
    });
    assert.ok(e instanceof Anthropic.APIError, `a clean end of stream would hide the failure: ${e}`);
    assert.ok(text.length > 0);
  });

  test('an upstream silent for longer than timeouts.idle mid-stream: error event, upstream released', opts, async () => {
    const before = await fake.stats();
    const stream = await ant.messages.create(msg(MODEL_A, { stream: true }),
      { headers: { 'x-fake-chunks': '4', 'x-fake-chunk-gap-ms': '2500' } });
    let text = '';
    const t0 = Date.now();
    const e = await rejects(async () => {
      for await (const ev of stream) {
        if (ev.type === 'content_block_delta') text += ev.delta.text;
      }
    });
    assert.ok(e instanceof Anthropic.APIError, `${e.constructor.name}: ${e.message}`);
    assert.ok(Date.now() - t0 < 2400, `ended by the 800 ms idle timeout, after ${Date.now() - t0} ms`);
    assert.ok(text.length > 0, 'the first delta arrived');
    const released = await poll(async () => (await fake.stats()).streams_aborted > before.streams_aborted, { timeoutMs: 3000 });
    assert.ok(released, 'sluice closed the upstream stream');
  });

  test('Responses mid-stream failure arrives as response.failed', opts, async () => {
    const stream = await oai.responses.create({ model: 'gpt-fake', input: 'x', stream: true },
      { headers: { 'x-fake-error-after': '1' } });
    const events = [];
    for await (const ev of stream) events.push(ev);
    const types = events.map((e) => e.type);
    assert.ok(types.includes('response.output_text.delta'), types.join(','));
    assert.equal(types.at(-1), 'response.failed', types.join(','));
    assert.equal(events.at(-1).response.status, 'failed');
    assert.ok(!types.includes('response.completed'));
  });

  test('upstream reset before any byte: 502', opts, async () => {
    const e = await rejects(() => oai.chat.completions.create(chat('gpt-fake'),
      { headers: { 'x-fake-reset-after': '0' } }));
    assert.equal(e.status, 502, `${e.constructor.name}: ${e.message}`);
  });
});

const MODEL_A = 'claude-fake-sonnet';
