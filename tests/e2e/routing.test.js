// Routing and reliability through the official SDKs: routes over two fake providers whose faults
// are scripted per model name, so each test owns its targets. The SDKs run with maxRetries: 0,
// so every recovery seen here is the gateway's own.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import {
  Fake, Sluice, SLUICE_BIN, writeTemp, stopAll, fetchT, post, sleep, KEYS, TEST_TIMEOUT_MS,
} from './helpers.js';

const run = promisify(execFile);

// Fake A fails in the ways its model names say; fake B always answers.
const SCRIPT_A = `rules:
  - {match: {model: "m-500"}, status: 500}
  - {match: {model: "m-429-once"}, times: 1, status: 429, retry_after: 1}
  - {match: {model: "m-429-long"}, status: 429, retry_after: 30}
  - {match: {model: "m-slow"}, latency_ms: 3000}
  - {match: {model: "m-slow-stream"}, first_byte_ms: 3000}
  - {match: {model: "m-error-first"}, error_after: 0}
  - {match: {model: "m-reset"}, reset_after: 2, chunks: 6}
  - {match: {model: "m-flaky"}, times: 3, status: 503}
  - {match: {model: "m-dead"}, status: 500}
`;

let fakeA;
let fakeB;
let sluice;
let configPath;
let oai;
let ant;

const routes = {
  r500: { targets: ['a/m-500', 'b/gpt-fake'] },
  r429: { targets: ['a/m-429-once'], max_attempts: 2 },
  r429long: { targets: ['a/m-429-long', 'b/gpt-fake'] },
  rslow: { targets: ['a/m-slow', 'b/gpt-fake'] },
  rslowstream: { targets: ['a/m-slow-stream', 'b/gpt-fake'] },
  rerror: { targets: ['a/m-error-first', 'b/gpt-fake'] },
  rerror_anthropic: { targets: ['a-anthropic/m-error-first', 'b-anthropic/claude-fake-sonnet'] },
  rreset: { targets: ['a/m-reset', 'b/gpt-fake'] },
  rcircuit: { targets: ['a/m-flaky', 'b/gpt-fake'] },
  rdead: { targets: ['a/m-dead'] },
  rweighted: {
    strategy: 'weighted',
    targets: [{ target: 'a/gpt-fake', weight: 3 }, { target: 'b/gpt-fake', weight: 1 }],
  },
  rvision: { targets: ['a/gpt-fake-mini', 'b/gpt-fake'] },
  rcontext: { targets: ['a/m-tiny', 'b/gpt-fake'] },
  rnofit: { targets: ['a/m-tiny'] },
  rcheap: { strategy: 'cheapest', targets: ['a/gpt-fake', 'b/gpt-fake-mini', 'a/claude-fake-haiku'] },
};

before(async () => {
  fakeA = await Fake.start(['--script', writeTemp('a.yaml', SCRIPT_A)]);
  fakeB = await Fake.start();
  const config = {
    providers: [
      { name: 'a', type: 'openai', base_url: `${fakeA.url}/v1`, api_key: KEYS.openai, discover_models: false },
      { name: 'b', type: 'openai', base_url: `${fakeB.url}/v1`, api_key: KEYS.openai, discover_models: false },
      { name: 'a-anthropic', type: 'anthropic', base_url: fakeA.url, api_key: KEYS.anthropic, discover_models: false },
      { name: 'b-anthropic', type: 'anthropic', base_url: fakeB.url, api_key: KEYS.anthropic, discover_models: false },
      {
        name: 'keys', type: 'openai', base_url: `${fakeB.url}/v1`, discover_models: false,
        accounts: [{ name: 'team-1', api_key: 'acct-key-1' }, { name: 'team-2', api_key: 'acct-key-2' }],
      },
    ],
    timeouts: { first_byte: '700ms' },
    routing: { backoff: '50ms', health: { failure_threshold: 3, open_for: '1500ms' } },
    catalog: [{ id: 'm-tiny', input: 0.1, output: 0.2, context: 1000, max_output: 500, capabilities: ['tools'] }],
    routes,
  };
  sluice = await Sluice.start(config, { waitModels: null });
  configPath = sluice.configPath;
  oai = new OpenAI({ baseURL: `${sluice.url}/v1`, apiKey: KEYS.client, maxRetries: 0, timeout: 20_000 });
  ant = new Anthropic({ baseURL: sluice.url, apiKey: KEYS.client, maxRetries: 0, timeout: 20_000 });
});
after(() => stopAll(sluice, fakeA, fakeB));

const opts = { timeout: TEST_TIMEOUT_MS };
const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

/// How many requests for `model` the fake saw.
async function seen(fake, model) {
  const all = await fake.requests(50);
  return all.filter((r) => JSON.parse(r.body || '{}').model === model || r.path.includes(model)).length;
}

async function routeJson(model, query = '') {
  const r = await fetchT(`${sluice.url}/admin/route?model=${model}${query}`);
  assert.equal(r.status, 200);
  return r.json();
}

describe('failover before the first byte', () => {
  test('primary answers 500: the secondary answers, and the headers say why', opts, async () => {
    const { data, response } = await oai.chat.completions.create(chat('r500')).withResponse();
    assert.match(data.choices[0].message.content, /fake-upstream answering gpt-fake/);
    assert.equal(response.headers.get('x-sluice-route'), 'r500');
    assert.equal(response.headers.get('x-sluice-attempts'), '2');
    assert.equal(response.headers.get('x-sluice-provider'), 'b');
    assert.match(response.headers.get('x-sluice-fallback-reason'), /^a\/m-500: server_error 500$/);
    assert.equal(await seen(fakeA, 'm-500'), 1);
  });

  test('429 with retry-after on the only target: sluice waits it out, then succeeds', opts, async () => {
    const t0 = Date.now();
    const { data, response } = await oai.chat.completions.create(chat('r429')).withResponse();
    const took = Date.now() - t0;
    assert.match(data.choices[0].message.content, /m-429-once/);
    assert.equal(response.headers.get('x-sluice-attempts'), '2');
    assert.match(response.headers.get('x-sluice-fallback-reason'), /rate_limited 429/);
    assert.ok(took >= 950, `answered after ${took} ms, before the 1 s retry-after ran out`);
    assert.equal(await seen(fakeA, 'm-429-once'), 2);
  });

  test('429 with a long retry-after: the next target answers and the limited one is skipped after', opts, async () => {
    const first = await oai.chat.completions.create(chat('r429long')).withResponse();
    assert.equal(first.response.headers.get('x-sluice-provider'), 'b');
    assert.equal(first.response.headers.get('x-sluice-attempts'), '2');
    const second = await oai.chat.completions.create(chat('r429long')).withResponse();
    assert.equal(second.response.headers.get('x-sluice-attempts'), '1');
    assert.equal(second.response.headers.get('x-sluice-provider'), 'b');
    assert.equal(await seen(fakeA, 'm-429-long'), 1, 'the rate-limited target got a request while its retry-after ran');
    const explained = await routeJson('r429long');
    assert.equal(explained.candidates.find((c) => c.target === 'a/m-429-long').excluded,
      'rate-limited (retry-after running)');
  });

  test('slow response headers past the first-byte timeout: fails over', opts, async () => {
    const t0 = Date.now();
    const { data, response } = await oai.chat.completions.create(chat('rslow')).withResponse();
    assert.match(data.choices[0].message.content, /gpt-fake/);
    assert.match(response.headers.get('x-sluice-fallback-reason'), /a\/m-slow: timeout/);
    assert.ok(Date.now() - t0 < 2500, 'waited for the slow upstream instead of failing over');
  });

  test('a stream whose first event is late: fails over before the client sees a byte', opts, async () => {
    const { data: stream, response } = await oai.chat.completions
      .create(chat('rslowstream', { stream: true })).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.match(text, /fake-upstream answering gpt-fake/);
    assert.match(response.headers.get('x-sluice-fallback-reason'), /a\/m-slow-stream: timeout/);
  });

  test('200 whose stream opens with an error event (Chat): the client never sees it', opts, async () => {
    const { data: stream, response } = await oai.chat.completions
      .create(chat('rerror', { stream: true })).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.match(text, /^This is fake-upstream answering gpt-fake/);
    assert.equal(response.headers.get('x-sluice-attempts'), '2');
    assert.match(response.headers.get('x-sluice-fallback-reason'), /a\/m-error-first: stream_error 200/);
  });

  test('200 whose stream opens with an error event (Anthropic Messages): same', opts, async () => {
    const stream = ant.messages.stream({
      model: 'rerror_anthropic', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }],
    });
    const final = await stream.finalMessage();
    assert.match(final.content[0].text, /fake-upstream answering claude-fake-sonnet/);
  });

  test('reset after the first streamed bytes: a stream error, nothing duplicated, no second attempt', opts, async () => {
    const before = await seen(fakeB, 'gpt-fake');
    const stream = await oai.chat.completions.create(chat('rreset', { stream: true }));
    let text = '';
    let error;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    } catch (e) {
      error = e;
    }
    assert.ok(error, 'the stream ended without an error');
    assert.match(String(error.message), /upstream|broke|reset/i);
    // Two of six deltas arrived, once each: the text is a proper prefix of the whole answer.
    const whole = (await post(`${fakeB.url}/v1/chat/completions`, chat('m-reset'))).json
      .choices[0].message.content;
    assert.ok(text.length > 0 && text.length < whole.length, `got ${JSON.stringify(text)}`);
    assert.ok(whole.startsWith(text), `not a prefix of the answer: ${JSON.stringify(text)}`);
    assert.equal(await seen(fakeB, 'gpt-fake'), before, 'a second target was called after bytes reached the client');
  });
});

describe('circuit breaker', () => {
  test('opens after repeated failures, sends nothing while open, closes after a good probe', opts, async () => {
    for (let i = 0; i < 3; i++) {
      const r = await oai.chat.completions.create(chat('rcircuit')).withResponse();
      assert.equal(r.response.headers.get('x-sluice-attempts'), '2');
    }
    assert.equal(await seen(fakeA, 'm-flaky'), 3);
    let explained = await routeJson('rcircuit');
    const a = () => explained.candidates.find((c) => c.target === 'a/m-flaky');
    assert.equal(a().health.circuit, 'open');
    assert.equal(a().excluded, 'circuit open');

    for (let i = 0; i < 3; i++) {
      const r = await oai.chat.completions.create(chat('rcircuit')).withResponse();
      assert.equal(r.response.headers.get('x-sluice-attempts'), '1');
      assert.equal(r.response.headers.get('x-sluice-provider'), 'b');
    }
    assert.equal(await seen(fakeA, 'm-flaky'), 3, 'the open circuit let a request through');

    await sleep(1600);  // open_for 1500ms: the next request is the half-open probe
    const probe = await oai.chat.completions.create(chat('rcircuit')).withResponse();
    assert.equal(probe.response.headers.get('x-sluice-provider'), 'a');
    assert.equal(await seen(fakeA, 'm-flaky'), 4);
    explained = await routeJson('rcircuit');
    assert.equal(a().health.circuit, 'closed');
    assert.equal(a().excluded, null);
  });

  test('every target open: 503 with retry-after at once, and the upstream is spared', opts, async () => {
    // One request: three attempts on the only target (backoff between), three failures: open.
    const first = await post(`${sluice.url}/v1/chat/completions`, chat('rdead'));
    assert.equal(first.status, 500);
    assert.equal(first.headers.get('x-sluice-attempts'), '3');
    const second = await post(`${sluice.url}/v1/chat/completions`, chat('rdead'));
    assert.equal(second.status, 503, second.text);
    assert.equal(second.json.error.code, 'route_unavailable');
    assert.ok(Number(second.headers.get('retry-after')) >= 1);
    assert.equal(await seen(fakeA, 'm-dead'), 3);
  });
});

describe('balancing', () => {
  test('weights 3:1 spread 1,000 requests within 5% of their shares', { timeout: 120_000 }, async () => {
    const counts = { a: 0, b: 0 };
    const one = async () => {
      const r = await post(`${sluice.url}/v1/chat/completions`, chat('rweighted'));
      assert.equal(r.status, 200, r.text);
      counts[r.headers.get('x-sluice-provider')]++;
    };
    for (let i = 0; i < 1000; i += 20) await Promise.all(Array.from({ length: 20 }, one));
    const shareA = counts.a / 1000;
    assert.ok(Math.abs(shareA - 0.75) <= 0.05, `a served ${counts.a}, b ${counts.b}`);
  });

  test('a provider with two accounts alternates their keys', opts, async () => {
    await fakeB.reset();
    for (let i = 0; i < 6; i++) {
      const r = await post(`${sluice.url}/v1/chat/completions`, chat('keys/gpt-fake'));
      assert.equal(r.status, 200, r.text);
    }
    const keys = (await fakeB.requests(6)).map((r) => r.headers.authorization);
    assert.equal(keys.filter((k) => k === 'Bearer acct-key-1').length, 3, keys.join(' '));
    assert.equal(keys.filter((k) => k === 'Bearer acct-key-2').length, 3, keys.join(' '));
    // Each account has its own health record (unlisted model names share one per account).
    const health = await (await fetchT(`${sluice.url}/admin/health`)).json();
    const names = health.targets.map((t) => t.target);
    assert.ok(names.includes('keys/team-1/*') && names.includes('keys/team-2/*'), names.join(' '));
  });
});

describe('capability and context policies', () => {
  test('an image request skips a target without vision', opts, async () => {
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const { response } = await oai.chat.completions.create({
      model: 'rvision',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: image } }] }],
    }).withResponse();
    assert.equal(response.headers.get('x-sluice-model'), 'gpt-fake');
    assert.equal(response.headers.get('x-sluice-attempts'), '1');
    const plain = await oai.chat.completions.create(chat('rvision')).withResponse();
    assert.equal(plain.response.headers.get('x-sluice-model'), 'gpt-fake-mini');
  });

  test('a prompt larger than a context window skips that target; nothing fits: 400 that says why', opts, async () => {
    const big = 'lorem ipsum dolor sit amet '.repeat(400);  // ~2,700 tokens > m-tiny's 1,000
    const r = await oai.chat.completions.create({ model: 'rcontext', messages: [{ role: 'user', content: big }] }).withResponse();
    assert.equal(r.response.headers.get('x-sluice-model'), 'gpt-fake');
    const small = await oai.chat.completions.create(chat('rcontext')).withResponse();
    assert.equal(small.response.headers.get('x-sluice-model'), 'm-tiny');
    try {
      await oai.chat.completions.create({ model: 'rnofit', messages: [{ role: 'user', content: big }] });
      assert.fail('expected a 400');
    } catch (e) {
      assert.ok(e instanceof OpenAI.BadRequestError, `${e.constructor.name}: ${e.message}`);
      assert.match(e.message, /no target of route 'rnofit'.*context window/);
    }
  });

  test('cheapest picks the lowest estimated cost', opts, async () => {
    const r = await oai.chat.completions.create(chat('rcheap')).withResponse();
    assert.equal(r.response.headers.get('x-sluice-model'), 'gpt-fake-mini');
  });
});

describe('explain', () => {
  test('sluice route prints candidates, scores, exclusions and the choice', opts, async () => {
    const { stdout } = await run(SLUICE_BIN, ['route', 'rvision', '--config', configPath, '--vision']);
    assert.match(stdout, /resolved\s+via route -> route 'rvision' \(fallback/);
    assert.match(stdout, /a\/gpt-fake-mini .*excluded: lacks a capability the request needs/);
    assert.match(stdout, /chosen\s+b\/gpt-fake/);
    const json = JSON.parse((await run(SLUICE_BIN, ['route', 'rcheap', '--config', configPath, '--json'])).stdout);
    assert.equal(json.strategy, 'cheapest');
    assert.equal(json.chosen, 'b/gpt-fake-mini');
    for (const c of json.candidates) {
      assert.deepEqual(Object.keys(c.scores).sort(),
        ['budget', 'capability', 'cheapest', 'context', 'fairness', 'health', 'latency', 'ratelimit']);
    }
  });

  test('GET /admin/route matches, and an unknown name is explained as such', opts, async () => {
    const j = await routeJson('rcontext', '&prompt=hello&max_tokens=100');
    assert.equal(j.route, 'rcontext');
    assert.equal(j.request.max_output, 100);
    assert.equal(j.candidates.length, 2);
    const plain = await routeJson('b/gpt-fake');
    assert.equal(plain.strategy, 'direct');
    const r = await fetchT(`${sluice.url}/admin/route`);
    assert.equal(r.status, 400);
  });
});
